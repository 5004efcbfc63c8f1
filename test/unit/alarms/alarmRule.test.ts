import { describe, expect, it } from 'vitest';
import { AlarmState, parseAlarmRule, ruleHolds } from '../../../src/local/alarms';

const arn = (name: string) => `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`;

function holds(rule: string, states: Record<string, AlarmState>): boolean {
  return ruleHolds(parseAlarmRule(rule), (name) => states[name]);
}

describe('composite alarm rules', () => {
  const { ok: OK, alarm: ALARM, insufficientData: INSUFFICIENT } = AlarmState;

  it('reads alarms by ARN or name, quoted or not, as CDK writes them', () => {
    const rule = `(ALARM("${arn('fresh')}") OR ALARM("${arn('slow')}") OR ALARM(${arn('errors')}))`;
    expect(holds(rule, { fresh: OK, slow: OK, errors: OK })).toBe(false);
    expect(holds(rule, { fresh: OK, slow: ALARM, errors: OK })).toBe(true);
    expect(holds('ALARM(errors)', { errors: ALARM })).toBe(true);
  });

  it('counts INSUFFICIENT_DATA as neither ALARM nor OK', () => {
    expect(holds('ALARM(a) OR OK(a)', { a: INSUFFICIENT })).toBe(false);
    expect(holds('INSUFFICIENT_DATA(a)', { a: INSUFFICIENT })).toBe(true);
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    const states = { a: ALARM, b: OK, c: ALARM };
    expect(holds('ALARM(a) OR ALARM(b) AND ALARM(c)', { a: ALARM, b: OK, c: OK })).toBe(true);
    expect(holds('(ALARM(a) OR ALARM(b)) AND ALARM(c)', { a: ALARM, b: OK, c: OK })).toBe(false);
    expect(holds('NOT ALARM(b) AND ALARM(c)', states)).toBe(true);
    expect(holds('NOT (ALARM(a) AND ALARM(c))', states)).toBe(false);
    expect(holds('TRUE AND NOT FALSE', {})).toBe(true);
  });

  it.each([
    ['ALARM(a) OR', /expected more/],
    ['ALARM(a', /expected \)/],
    ['WARN(a)', /unexpected "WARN"/],
  ])('refuses %s', (rule, message) => {
    expect(() => parseAlarmRule(rule)).toThrow(message);
  });
});
