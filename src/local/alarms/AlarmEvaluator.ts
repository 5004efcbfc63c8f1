import type { AlarmDefinition, CompositeAlarmDefinition, MetricAlarmDefinition } from './alarmsFromTemplate';
import { ruleAlarmNames, ruleHolds } from './alarmRule';
import { AlarmState } from './AlarmState';
import { evaluateDatapoints, TreatMissingData, type Datapoint } from './evaluateDatapoints';
import type { InMemoryMetricStore } from './InMemoryMetricStore';
import { evaluateMathExpression, type Series } from './metricMath';
import { percentileOf, statisticFunction } from './statistic';
import { AlarmEvaluationError } from '../errors';

/** A change of one alarm's state. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly logicalId: string;
  readonly previousState: AlarmState;
  readonly state: AlarmState;
  readonly reason: string;
  /** When the evaluation that changed it ran, epoch ms. */
  readonly timestamp: number;
  /** The actions CloudWatch would invoke for the new state (empty when actions are disabled). */
  readonly actions: readonly string[];
}

/** The result of one evaluation. */
export interface AlarmEvaluation {
  /** Every alarm's state after the evaluation, by alarm name. */
  readonly states: Readonly<Record<string, AlarmState>>;
  /** The alarms that changed, metric alarms first, in template order. */
  readonly changes: readonly AlarmStateChange[];
}

/** Options of an {@link AlarmEvaluator}. */
export interface AlarmEvaluatorOptions {
  /**
   * How many periods CloudWatch reads beyond the N it evaluates (its evaluation range).
   * The AWS documentation's examples read 5 periods for N = 3.
   * @default 2
   */
  readonly extraRangePeriods?: number;
}

/** The namespace whose alarms CloudWatch always lets ignore missing data. */
const DYNAMODB_NAMESPACE = 'AWS/DynamoDB';

/**
 * Evaluates the alarms of a template against a metric store, as CloudWatch does:
 * each metric alarm over its evaluation range of complete periods (aligned to
 * multiples of the period since the epoch), then the composite alarms over the new
 * states. It keeps each alarm's state between evaluations (every alarm starts in
 * INSUFFICIENT_DATA) and reports the changes with their reasons.
 *
 * @example
 * const evaluator = new AlarmEvaluator(alarmsFromTemplate(template, { physicalId }), store);
 * const { changes } = evaluator.evaluate(Date.now());
 */
export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();
  private readonly metricAlarms: readonly MetricAlarmDefinition[];
  private readonly compositeAlarms: readonly CompositeAlarmDefinition[];
  private readonly extraRangePeriods: number;

  constructor(
    alarms: readonly AlarmDefinition[],
    private readonly store: InMemoryMetricStore,
    options: AlarmEvaluatorOptions = {},
  ) {
    this.extraRangePeriods = options.extraRangePeriods ?? 2;
    const names = new Set<string>();
    for (const alarm of alarms) {
      if (names.has(alarm.alarmName)) throw new AlarmEvaluationError(`two alarms are named ${alarm.alarmName}`);
      names.add(alarm.alarmName);
      this.states.set(alarm.alarmName, AlarmState.insufficientData);
    }
    this.metricAlarms = alarms.filter((alarm): alarm is MetricAlarmDefinition => alarm.kind === 'metric');
    this.compositeAlarms = inDependencyOrder(alarms.filter((alarm): alarm is CompositeAlarmDefinition => alarm.kind === 'composite'));
  }

  /** The current state of an alarm, by name. */
  public stateOf(alarmName: string): AlarmState | undefined {
    return this.states.get(alarmName);
  }

  /** Evaluates every alarm at `nowMs` and returns the states and the changes. */
  public evaluate(nowMs: number): AlarmEvaluation {
    const changes: AlarmStateChange[] = [];
    const record = (alarm: AlarmDefinition, state: AlarmState, reason: string) => {
      const previousState = this.states.get(alarm.alarmName) as AlarmState;
      this.states.set(alarm.alarmName, state);
      if (state === previousState) return;
      const actions = !alarm.actions.enabled
        ? []
        : state === AlarmState.alarm
          ? alarm.actions.alarm
          : state === AlarmState.ok
            ? alarm.actions.ok
            : alarm.actions.insufficientData;
      changes.push({ alarmName: alarm.alarmName, logicalId: alarm.logicalId, previousState, state, reason, timestamp: nowMs, actions });
    };

    for (const alarm of this.metricAlarms) {
      const current = this.states.get(alarm.alarmName) as AlarmState;
      const { state, reason } = this.evaluateMetricAlarm(alarm, nowMs, current);
      record(alarm, state, reason);
    }
    for (const alarm of this.compositeAlarms) {
      const holds = ruleHolds(alarm.rule, (name) => this.states.get(name));
      const named = ruleAlarmNames(alarm.rule).map((name) => `${name} is ${this.states.get(name) ?? 'unknown'}`);
      record(alarm, holds ? AlarmState.alarm : AlarmState.ok, `${alarm.ruleText} is ${holds ? 'TRUE' : 'FALSE'}: ${named.join(', ')}`);
    }
    return { states: Object.fromEntries(this.states), changes };
  }

  /** The datapoints of a metric alarm's evaluation range at `nowMs`, oldest first. */
  public datapoints(alarm: MetricAlarmDefinition, nowMs: number): Datapoint[] {
    const periodMs = alarm.periodSeconds * 1000;
    const rangeEnd = Math.floor(nowMs / periodMs) * periodMs;
    const length = alarm.evaluationPeriods + this.extraRangePeriods;
    const starts = Array.from({ length }, (_, i) => rangeEnd - (length - i) * periodMs);
    const series = new Map<string, Series>();
    const seriesOf = (id: string): Series => {
      const known = series.get(id);
      if (known) return known;
      const stat = alarm.metrics[id];
      if (!stat) throw new AlarmEvaluationError(`alarm ${alarm.alarmName}: ${alarm.expressionText} refers to unknown metric id "${id}"`);
      const statistic = statisticFunction(stat.statistic);
      const values = starts.map((start) => statistic(this.store.values(stat.metric, start, start + periodMs)));
      series.set(id, values);
      return values;
    };
    const values = evaluateMathExpression(alarm.expression, seriesOf, length);
    return starts.map((timestamp, i) => ({ timestamp, value: values[i] }));
  }

  private evaluateMetricAlarm(alarm: MetricAlarmDefinition, nowMs: number, current: AlarmState): { state: AlarmState; reason: string } {
    const range = this.datapoints(alarm, nowMs);
    const lowSample = this.lowSamplePercentile(alarm, range, current);
    if (lowSample) return { state: current, reason: lowSample };
    // "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing
    // data even if you choose a different option" (PutMetricAlarm, TreatMissingData).
    const onDynamoDb = Object.values(alarm.metrics).some((stat) => stat.metric.namespace === DYNAMODB_NAMESPACE);
    const treatMissingData = onDynamoDb ? TreatMissingData.ignore : alarm.treatMissingData;
    return evaluateDatapoints(range, { ...alarm, treatMissingData }, current);
  }

  /**
   * With EvaluateLowSampleCountPercentile `ignore`, a percentile computed from fewer
   * than 10 / (1 - p) samples (1,000 for p99) leaves the state as it is.
   */
  private lowSamplePercentile(alarm: MetricAlarmDefinition, range: readonly Datapoint[], current: AlarmState): string | undefined {
    if (alarm.evaluateLowSampleCountPercentile !== 'ignore') return undefined;
    const newest = [...range].reverse().find((point) => point.value !== undefined);
    if (!newest) return undefined;
    const periodMs = alarm.periodSeconds * 1000;
    for (const stat of Object.values(alarm.metrics)) {
      const p = percentileOf(stat.statistic);
      if (p === undefined) continue;
      const needed = p >= 0.5 ? 10 / (1 - p) : 10 / p;
      const samples = this.store.values(stat.metric, newest.timestamp, newest.timestamp + periodMs).length;
      if (samples < needed)
        return `${stat.statistic} of ${stat.metric.metricName} from ${samples} samples, fewer than ${Math.ceil(needed)}: the state stays ${current}`;
    }
    return undefined;
  }
}

/** Composite alarms ordered so that each comes after the composites it refers to. */
function inDependencyOrder(composites: readonly CompositeAlarmDefinition[]): CompositeAlarmDefinition[] {
  const byName = new Map(composites.map((alarm) => [alarm.alarmName, alarm]));
  const ordered: CompositeAlarmDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (alarm: CompositeAlarmDefinition) => {
    const mark = state.get(alarm.alarmName);
    if (mark === 'done') return;
    if (mark === 'visiting') throw new AlarmEvaluationError(`composite alarm ${alarm.alarmName} refers to itself through its rule`);
    state.set(alarm.alarmName, 'visiting');
    for (const name of ruleAlarmNames(alarm.rule)) {
      const child = byName.get(name);
      if (child) visit(child);
    }
    state.set(alarm.alarmName, 'done');
    ordered.push(alarm);
  };
  composites.forEach(visit);
  return ordered;
}
