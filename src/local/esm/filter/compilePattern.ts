import { UnsupportedMappingSettingError, InvalidMappingSettingError } from '../../errors';

/** Whether a JSON value matches a compiled pattern. */
export type Predicate = (value: unknown) => boolean;

const SETTING = 'filterCriteria';

/**
 * Compiles one Lambda event filter pattern (the JSON of a `FilterCriteria`
 * filter's `Pattern`) with the rules Lambda documents for event filtering,
 * which are EventBridge's pattern rules: every key of the pattern must match
 * (AND); a key's array lists alternatives (OR); a nested object matches a
 * nested object; `$or` takes alternative sub-patterns; a value of the event
 * that is an array matches when any element does. The matchers are exact
 * values (string, number, boolean, `null`, `""`), `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (a value, a list, or a `prefix` /
 * `suffix` / `equals-ignore-case` of its own), `numeric` (one comparison or a
 * range) and `exists`.
 *
 * Written here rather than taken from npm: no maintained npm package
 * implements these rules (the reference implementation, aws/event-ruler, is
 * Java), and the rules are small enough to be exact about.
 * @throws {@link InvalidMappingSettingError} for a pattern Lambda would refuse (not JSON, not an object),
 *   {@link UnsupportedMappingSettingError} for a matcher this implementation does not know (e.g. `wildcard`, `cidr`)
 */
export function compilePattern(patternJson: string): Predicate {
  let pattern: unknown;
  try {
    pattern = JSON.parse(patternJson);
  } catch {
    throw new InvalidMappingSettingError(SETTING, `a filter pattern must be JSON, got ${patternJson}`);
  }
  if (!isObject(pattern)) throw new InvalidMappingSettingError(SETTING, `a filter pattern must be a JSON object, got ${patternJson}`);
  return compileObject(pattern, '');
}

function compileObject(pattern: Record<string, unknown>, where: string): Predicate {
  const checks: Predicate[] = Object.entries(pattern).map(([key, value]) => {
    const at = where ? `${where}.${key}` : key;
    if (key === '$or') return compileOr(value, at);
    if (isObject(value)) {
      const nested = compileObject(value, at);
      // A nested pattern needs a nested object: Kinesis data that is not JSON matches no data pattern.
      return (event) => isObject(event) && anyOf(event[key], (value) => isObject(value) && nested(value));
    }
    if (!Array.isArray(value))
      throw new InvalidMappingSettingError(SETTING, `${at}: a pattern value must be an array or an object, got ${JSON.stringify(value)}`);
    return compileField(key, value, at);
  });
  return (event) => checks.every((check) => check(event));
}

function compileOr(value: unknown, at: string): Predicate {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
    throw new InvalidMappingSettingError(SETTING, `${at}: $or takes an array of at least two patterns`);
  }
  const alternatives = value.map((alternative, i) => compileObject(alternative, `${at}[${i}]`));
  return (event) => alternatives.some((alternative) => alternative(event));
}

/** A leaf: the key's value (or, for an array value, one of its elements) must match one of `matchers`. */
function compileField(key: string, matchers: readonly unknown[], at: string): Predicate {
  let existence: boolean | undefined;
  const valueMatchers: Predicate[] = [];
  for (const matcher of matchers) {
    if (isObject(matcher) && 'exists' in matcher) {
      if (typeof matcher.exists !== 'boolean' || Object.keys(matcher).length !== 1)
        throw new InvalidMappingSettingError(SETTING, `${at}: exists takes true or false`);
      existence = matcher.exists;
    } else {
      valueMatchers.push(compileMatcher(matcher, at));
    }
  }
  return (event) => {
    if (!isObject(event)) return false;
    const present = key in event && event[key] !== undefined;
    if (existence !== undefined && present === existence) return true;
    if (!present) return false;
    return valueMatchers.some((matcher) => anyOf(event[key], matcher));
  };
}

function compileMatcher(matcher: unknown, at: string): Predicate {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'number' || typeof matcher === 'boolean') {
    return (value) => value === matcher;
  }
  if (!isObject(matcher)) throw new InvalidMappingSettingError(SETTING, `${at}: cannot match ${JSON.stringify(matcher)}`);
  const keys = Object.keys(matcher);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined)
    throw new InvalidMappingSettingError(SETTING, `${at}: a matcher has one operator, got ${JSON.stringify(matcher)}`);
  const operand = matcher[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return stringMatcher(operator, operand, at);
    case 'anything-but':
      return anythingBut(operand, at);
    case 'numeric':
      return numeric(operand, at);
    default:
      throw new UnsupportedMappingSettingError(
        SETTING,
        `${at}: the "${operator}" matcher is not emulated by the local event source mapping`,
      );
  }
}

function stringMatcher(operator: 'prefix' | 'suffix' | 'equals-ignore-case', operand: unknown, at: string): Predicate {
  if (typeof operand !== 'string') {
    if (isObject(operand))
      throw new UnsupportedMappingSettingError(
        SETTING,
        `${at}: ${operator} with ${JSON.stringify(operand)} is not emulated by the local event source mapping`,
      );
    throw new InvalidMappingSettingError(SETTING, `${at}: ${operator} takes a string`);
  }
  if (operator === 'prefix') return (value) => typeof value === 'string' && value.startsWith(operand);
  if (operator === 'suffix') return (value) => typeof value === 'string' && value.endsWith(operand);
  const lower = operand.toLowerCase();
  return (value) => typeof value === 'string' && value.toLowerCase() === lower;
}

function anythingBut(operand: unknown, at: string): Predicate {
  if (isObject(operand)) {
    const [operator, ...rest] = Object.keys(operand);
    if ((operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case') && rest.length === 0) {
      const inner = stringMatcher(operator, operand[operator], at);
      return (value) => typeof value === 'string' && !inner(value);
    }
    throw new UnsupportedMappingSettingError(
      SETTING,
      `${at}: anything-but with ${JSON.stringify(operand)} is not emulated by the local event source mapping`,
    );
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  if (!excluded.every((value) => typeof value === 'string' || typeof value === 'number')) {
    throw new InvalidMappingSettingError(SETTING, `${at}: anything-but takes strings or numbers`);
  }
  // EventBridge: anything-but matches values of the same kinds it lists, other than those listed.
  return (value) => (typeof value === 'string' || typeof value === 'number') && !excluded.includes(value);
}

const COMPARISONS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numeric(operand: unknown, at: string): Predicate {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new InvalidMappingSettingError(SETTING, `${at}: numeric takes one or two comparisons, e.g. [">", 0, "<=", 5]`);
  }
  const tests: ((value: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARISONS[String(operand[i])];
    const bound = operand[i + 1];
    if (!compare || typeof bound !== 'number')
      throw new InvalidMappingSettingError(SETTING, `${at}: numeric comparison ${JSON.stringify(operand.slice(i, i + 2))} is not valid`);
    tests.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && tests.every((test) => test(value));
}

/** An event value matches when it does, or, for an array, when one of its elements does. */
function anyOf(value: unknown, predicate: Predicate): boolean {
  return Array.isArray(value) ? value.some((element) => predicate(element)) : predicate(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
