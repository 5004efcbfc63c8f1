import { describe, expect, it } from 'vitest';
import {
  AlarmState,
  ComparisonOperator,
  evaluateDatapoints,
  TreatMissingData,
  type Datapoint,
  type ThresholdRule,
} from '../../../src/local/alarms';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const THRESHOLD = 10;

/** '0' within the threshold, 'X' breaching, '-' missing; oldest first, one minute apart (the AWS docs' notation). */
function range(notation: string): Datapoint[] {
  return notation
    .split(' ')
    .map((c, i) => ({ timestamp: T0 + i * 60_000, value: c === '-' ? undefined : c === 'X' ? THRESHOLD + 5 : THRESHOLD - 5 }));
}

function rule(m: number, n: number, treatMissingData: TreatMissingData): ThresholdRule {
  return {
    threshold: THRESHOLD,
    comparisonOperator: ComparisonOperator.greaterThan,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    treatMissingData,
  };
}

const RETAIN = 'retain';
type Expected = AlarmState | typeof RETAIN;
const { ok: OK, alarm: ALARM, insufficientData: INSUFFICIENT } = AlarmState;

// "How alarm state is evaluated when data is missing", Amazon CloudWatch User Guide:
// 5 datapoints retrieved, columns MISSING, IGNORE, BREACHING, NOT BREACHING.
const THREE_OF_THREE: [string, Expected, Expected, Expected, Expected][] = [
  ['0 - X - X', OK, OK, OK, OK],
  ['0 - - - -', OK, OK, OK, OK],
  ['- - - - -', INSUFFICIENT, RETAIN, ALARM, OK],
  ['0 X X - X', ALARM, ALARM, ALARM, ALARM],
  ['- - - - X', INSUFFICIENT, RETAIN, ALARM, OK],
  ['X - - - -', ALARM, RETAIN, ALARM, OK],
];
const TWO_OF_THREE: [string, Expected, Expected, Expected, Expected][] = [
  ['0 - X - X', ALARM, ALARM, ALARM, ALARM],
  ['0 0 X 0 X', ALARM, ALARM, ALARM, ALARM],
  ['0 - X - -', OK, OK, ALARM, OK],
  ['- - - - 0', OK, OK, ALARM, OK],
  ['- - - - X', INSUFFICIENT, RETAIN, ALARM, OK],
];
const TREATMENTS = [TreatMissingData.missing, TreatMissingData.ignore, TreatMissingData.breaching, TreatMissingData.notBreaching] as const;

describe('evaluateDatapoints: the AWS documentation tables', () => {
  for (const [title, m, table] of [
    ['3 out of 3', 3, THREE_OF_THREE],
    ['2 out of 3', 2, TWO_OF_THREE],
  ] as const) {
    describe(title, () => {
      for (const [notation, ...expected] of table) {
        it.each(TREATMENTS.map((treatment, i) => [treatment, expected[i] as Expected]))(
          `${notation} with %s gives %s`,
          (treatment, want) => {
            // Assess from both possible current states, so "retain" is told apart from a fixed state.
            for (const current of [OK, ALARM]) {
              const { state, reason } = evaluateDatapoints(range(notation), rule(m, 3, treatment), current);
              expect(state, reason).toBe(want === RETAIN ? current : want);
            }
          },
        );
      }
    });
  }
});

describe('evaluateDatapoints: M out of N', () => {
  it('needs M breaching datapoints among the N most recent, not consecutive ones', () => {
    const r = rule(3, 5, TreatMissingData.missing);
    expect(evaluateDatapoints(range('X 0 X 0 X 0 0'), { ...r, evaluationPeriods: 5 }, OK).state).toBe(OK);
    expect(evaluateDatapoints(range('0 0 X 0 X X 0'), r, OK).state).toBe(ALARM);
    expect(evaluateDatapoints(range('0 0 X 0 X 0 0'), r, ALARM).state).toBe(OK);
  });

  it('evaluates the N most recent real datapoints when enough exist, whatever the missing-data setting', () => {
    for (const treatment of TREATMENTS) {
      expect(evaluateDatapoints(range('X X - 0 - 0 0'), rule(1, 3, treatment), ALARM).state).toBe(OK);
      expect(evaluateDatapoints(range('0 0 - X - X X'), rule(3, 3, treatment), OK).state).toBe(ALARM);
    }
  });

  it('compares with each operator at the threshold itself', () => {
    const at: Datapoint[] = [{ timestamp: T0, value: THRESHOLD }];
    const decide = (comparisonOperator: ComparisonOperator) =>
      evaluateDatapoints(at, { ...rule(1, 1, TreatMissingData.missing), comparisonOperator }, OK).state;
    expect(decide(ComparisonOperator.greaterThan)).toBe(OK);
    expect(decide(ComparisonOperator.greaterThanOrEqual)).toBe(ALARM);
    expect(decide(ComparisonOperator.lessThan)).toBe(OK);
    expect(decide(ComparisonOperator.lessThanOrEqual)).toBe(ALARM);
  });

  it('says in its reason how many of which datapoints breached what', () => {
    const { reason } = evaluateDatapoints(range('0 X X'), rule(2, 2, TreatMissingData.missing), OK);
    expect(reason).toBe(
      '2 of the 2 most recent datapoints [15 (2026-11-26T12:01:00.000Z), 15 (2026-11-26T12:02:00.000Z)] breaching (greater than the threshold 10) (2 needed for ALARM)',
    );
  });

  it('refuses DatapointsToAlarm above EvaluationPeriods', () => {
    expect(() => evaluateDatapoints(range('X'), rule(2, 1, TreatMissingData.missing), OK)).toThrow(
      /DatapointsToAlarm \(2\) must be from 1 to EvaluationPeriods \(1\)/,
    );
  });
});
