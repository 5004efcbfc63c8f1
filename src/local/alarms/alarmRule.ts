import { AlarmState } from './AlarmState';
import { AlarmEvaluationError } from '../errors';

/** A parsed composite-alarm rule. */
export type RuleNode =
  | { readonly kind: 'state'; readonly state: AlarmState; readonly alarm: string }
  | { readonly kind: 'constant'; readonly value: boolean }
  | { readonly kind: 'not'; readonly operand: RuleNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly RuleNode[] };

const STATE_FUNCTIONS: Readonly<Record<string, AlarmState>> = {
  ALARM: AlarmState.alarm,
  OK: AlarmState.ok,
  INSUFFICIENT_DATA: AlarmState.insufficientData,
};

/**
 * Parses a composite alarm's AlarmRule: `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)`,
 * `TRUE`, `FALSE`, `NOT`, `AND`, `OR` and parentheses, where x is an alarm name or
 * ARN, quoted or not. NOT binds tightest, then AND, then OR.
 *
 * @throws AlarmEvaluationError naming the rule and what is wrong.
 * @example parseAlarmRule('ALARM("a") OR (ALARM(b) AND NOT OK(c))')
 */
export function parseAlarmRule(rule: string): RuleNode {
  const tokens = tokenize(rule);
  let position = 0;
  const fail = (what: string): never => {
    throw new AlarmEvaluationError(`alarm rule "${rule}": ${what}`);
  };
  const peek = () => tokens[position]?.toUpperCase();
  const take = (expected?: string) => {
    const token = tokens[position];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected))
      fail(`expected ${expected ?? 'more'} at token ${position + 1}`);
    position += 1;
    return token as string;
  };

  const or = (): RuleNode => {
    const operands = [and()];
    while (peek() === 'OR') {
      take();
      operands.push(and());
    }
    return operands.length === 1 ? (operands[0] as RuleNode) : { kind: 'or', operands };
  };
  const and = (): RuleNode => {
    const operands = [not()];
    while (peek() === 'AND') {
      take();
      operands.push(not());
    }
    return operands.length === 1 ? (operands[0] as RuleNode) : { kind: 'and', operands };
  };
  const not = (): RuleNode => {
    if (peek() === 'NOT') {
      take();
      return { kind: 'not', operand: not() };
    }
    return primary();
  };
  const primary = (): RuleNode => {
    const token = take();
    const upper = token.toUpperCase();
    if (token === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'constant', value: upper === 'TRUE' };
    const state = STATE_FUNCTIONS[upper];
    if (state) {
      take('(');
      const reference = take();
      take(')');
      return { kind: 'state', state, alarm: alarmNameOf(unquote(reference)) };
    }
    return fail(`unexpected "${token}"`);
  };

  const node = or();
  if (position !== tokens.length) fail(`unexpected "${tokens[position]}"`);
  return node;
}

/** Whether the rule holds for the given alarm states; an unknown alarm is in no state. */
export function ruleHolds(node: RuleNode, stateOf: (alarmName: string) => AlarmState | undefined): boolean {
  switch (node.kind) {
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'constant':
      return node.value;
    case 'not':
      return !ruleHolds(node.operand, stateOf);
    case 'and':
      return node.operands.every((operand) => ruleHolds(operand, stateOf));
    case 'or':
      return node.operands.some((operand) => ruleHolds(operand, stateOf));
  }
}

/** The alarm names a rule refers to. */
export function ruleAlarmNames(node: RuleNode): string[] {
  switch (node.kind) {
    case 'state':
      return [node.alarm];
    case 'constant':
      return [];
    case 'not':
      return ruleAlarmNames(node.operand);
    case 'and':
    case 'or':
      return node.operands.flatMap(ruleAlarmNames);
  }
}

/** `arn:aws:cloudwatch:region:account:alarm:NAME` → NAME; a name stays as it is. */
export function alarmNameOf(reference: string): string {
  const match = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(reference);
  return match ? (match[1] as string) : reference;
}

function unquote(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replace(/\\"/g, '"') : token;
}

function tokenize(rule: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|[()]|[^\s()"]+)/y;
  let index = 0;
  while (index < rule.length) {
    if (/^\s*$/.test(rule.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(rule);
    if (!match) throw new AlarmEvaluationError(`alarm rule "${rule}": cannot read "${rule.slice(index).trim()}"`);
    tokens.push(match[1] as string);
    index = pattern.lastIndex;
  }
  return tokens;
}
