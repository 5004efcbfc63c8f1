import { AlarmEvaluationError } from '../errors';

/**
 * A time series over the periods of an evaluation range, oldest first; `undefined`
 * where the series has no value.
 */
export type Series = readonly (number | undefined)[];

/** A parsed metric-math expression. */
export type MathNode =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'negate'; readonly operand: MathNode }
  | { readonly kind: 'binary'; readonly operator: '+' | '-' | '*' | '/'; readonly left: MathNode; readonly right: MathNode }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly MathNode[] }
  | { readonly kind: 'array'; readonly items: readonly MathNode[] };

/** The functions supported locally: FILL(series, number), and SUM/AVG/MIN/MAX over an array of series. */
const FUNCTIONS = ['FILL', 'SUM', 'AVG', 'MIN', 'MAX'] as const;

/**
 * Parses the metric-math forms streamtally's alarms use: numbers, metric ids, `+ - * /`
 * with the usual precedence, unary minus, parentheses, `FILL(m, 0)` and
 * `SUM([m1, m2])` (also AVG, MIN, MAX).
 *
 * @throws AlarmEvaluationError naming the expression and what is wrong.
 * @example parseMathExpression('100 * errors / invocations')
 */
export function parseMathExpression(expression: string): MathNode {
  const tokens = tokenize(expression);
  let position = 0;
  const fail = (what: string): never => {
    throw new AlarmEvaluationError(`metric math "${expression}": ${what}`);
  };
  const peek = () => tokens[position];
  const take = (text?: string) => {
    const token = tokens[position];
    if (token === undefined || (text !== undefined && token !== text)) fail(`expected ${text ?? 'more'} at token ${position + 1}`);
    position += 1;
    return token as string;
  };

  const sum = (): MathNode => {
    let node = product();
    while (peek() === '+' || peek() === '-') node = { kind: 'binary', operator: take() as '+' | '-', left: node, right: product() };
    return node;
  };
  const product = (): MathNode => {
    let node = unary();
    while (peek() === '*' || peek() === '/') node = { kind: 'binary', operator: take() as '*' | '/', left: node, right: unary() };
    return node;
  };
  const unary = (): MathNode => {
    if (peek() === '-') {
      take();
      return { kind: 'negate', operand: unary() };
    }
    return primary();
  };
  const primary = (): MathNode => {
    const token = take();
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '[') {
      const items = [sum()];
      while (peek() === ',') {
        take();
        items.push(sum());
      }
      take(']');
      return { kind: 'array', items };
    }
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]\w*$/.test(token)) {
      if (peek() !== '(') return { kind: 'id', id: token };
      const name = token.toUpperCase();
      if (!(FUNCTIONS as readonly string[]).includes(name))
        fail(`function ${token} is not supported locally (supported: ${FUNCTIONS.join(', ')})`);
      take('(');
      const args = [sum()];
      while (peek() === ',') {
        take();
        args.push(sum());
      }
      take(')');
      return { kind: 'call', name, args };
    }
    return fail(`unexpected "${token}"`);
  };

  const node = sum();
  if (position !== tokens.length) fail(`unexpected "${tokens[position]}"`);
  return node;
}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_]\w*|[-+*/()[\],])/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new AlarmEvaluationError(`metric math "${expression}": cannot read "${expression.slice(index).trim()}"`);
    tokens.push(match[1] as string);
    index = pattern.lastIndex;
  }
  return tokens;
}

type Value = number | Series | readonly Series[];

/**
 * Evaluates an expression over series of `length` periods. Arithmetic is per period;
 * a period where an operand has no value, or where the result is not finite
 * (division by zero), has no value. `FILL(m, v)` gives every empty period the value v.
 */
export function evaluateMathExpression(node: MathNode, seriesById: (id: string) => Series, length: number): Series {
  const result = evaluate(node, seriesById, length);
  if (typeof result === 'number') return Array.from({ length }, () => result);
  if (isSeriesArray(result)) throw new AlarmEvaluationError('metric math: an alarm expression must give one time series, not an array');
  return result;
}

function evaluate(node: MathNode, seriesById: (id: string) => Series, length: number): Value {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return seriesById(node.id);
    case 'negate':
      return combine(-1, evaluate(node.operand, seriesById, length), '*', length);
    case 'binary':
      return combine(evaluate(node.left, seriesById, length), evaluate(node.right, seriesById, length), node.operator, length);
    case 'array':
      return node.items.map((item) => {
        const value = evaluate(item, seriesById, length);
        if (isSeriesArray(value)) throw new AlarmEvaluationError('metric math: arrays cannot be nested');
        return asSeries(value, length);
      });
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluate(arg, seriesById, length)),
        length,
      );
  }
}

function call(name: string, args: readonly Value[], length: number): Value {
  if (name === 'FILL') {
    const [series, fill] = args;
    if (args.length !== 2 || typeof fill !== 'number' || series === undefined || isSeriesArray(series)) {
      throw new AlarmEvaluationError('metric math: FILL takes a series and a number, e.g. FILL(m1, 0)');
    }
    return asSeries(series, length).map((value) => value ?? fill);
  }
  const [list] = args;
  if (args.length !== 1 || list === undefined || !isSeriesArray(list)) {
    throw new AlarmEvaluationError(`metric math: ${name} takes one array of series, e.g. ${name}([m1, m2])`);
  }
  return Array.from({ length }, (_, i) => {
    const present = list.map((series) => series[i]).filter((value): value is number => value !== undefined);
    if (present.length === 0) return undefined;
    switch (name) {
      case 'SUM':
        return present.reduce((a, b) => a + b, 0);
      case 'AVG':
        return present.reduce((a, b) => a + b, 0) / present.length;
      case 'MIN':
        return Math.min(...present);
      default:
        return Math.max(...present);
    }
  });
}

function combine(left: Value, right: Value, operator: '+' | '-' | '*' | '/', length: number): Value {
  if (isSeriesArray(left) || isSeriesArray(right))
    throw new AlarmEvaluationError(`metric math: "${operator}" needs numbers or series, not arrays`);
  if (typeof left === 'number' && typeof right === 'number') return apply(left, right, operator) ?? Number.NaN;
  const a = asSeries(left, length);
  const b = asSeries(right, length);
  return a.map((value, i) => {
    const other = b[i];
    return value === undefined || other === undefined ? undefined : apply(value, other, operator);
  });
}

function apply(a: number, b: number, operator: '+' | '-' | '*' | '/'): number | undefined {
  const result = operator === '+' ? a + b : operator === '-' ? a - b : operator === '*' ? a * b : a / b;
  return Number.isFinite(result) ? result : undefined;
}

function asSeries(value: number | Series, length: number): Series {
  return typeof value === 'number' ? Array.from({ length }, () => value) : value;
}

function isSeriesArray(value: Value): value is readonly Series[] {
  return Array.isArray(value) && value.length > 0 && Array.isArray(value[0]);
}
