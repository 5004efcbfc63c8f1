import { afterEach, describe, expect, it } from 'vitest';

// dynalite is patched (patches/dynalite+4.0.0.patch) to keep parsed expressions by what a parse depends on (the
// expression, the attribute names, the values' types) and to put each request's own values in a copy of the tree.
// Every request here is validated with the cache and without it, and must come out the same: the error, or the
// parsed update, condition, key condition and filter, with the request's own values in them.
type Value = Record<string, unknown>;
interface Request {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Value>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validations = require('dynalite/validations') as {
  validateExpressions(data: Request): string | undefined;
  expressionCache: { enabled: boolean; entries: Map<string, unknown> };
};

const parsedParts = ['_updates', '_condition', '_keyCondition', '_filter'] as const;
const validate = (request: Request, cached: boolean) => {
  validations.expressionCache.enabled = cached;
  const data = structuredClone(request) as Request & Record<string, unknown>;
  const error = validations.validateExpressions(data);
  return { error, parsed: parsedParts.map((part) => data[part]) };
};

const cellNames = { '#count': 'count', '#hw': 'hw#shard-0', '#min': 'min', '#max': 'max', '#sum': 'sum', '#key': 'key' };
const cellWrite = (count: number, seq: string, min: number): Request => ({
  UpdateExpression:
    'SET #key = :key, #hw = :maxSeq, #min = if_not_exists(#min, :min), #max = if_not_exists(#max, :max) ADD #count :count, #sum :sum',
  ConditionExpression: '(attribute_not_exists(#hw) OR #hw < :minSeq) AND (attribute_not_exists(#min) OR #min <= :min)',
  ExpressionAttributeNames: cellNames,
  ExpressionAttributeValues: {
    ':key': { S: `/page/${count}` },
    ':maxSeq': { S: seq },
    ':minSeq': { S: seq.slice(0, -1) },
    ':min': { N: String(min) },
    ':max': { N: String(min + 10) },
    ':count': { N: String(count) },
    ':sum': { N: String(count * 2.5) },
  },
});

const requests: Request[] = [
  cellWrite(1, '0001', 3),
  cellWrite(7, '0042', -1),
  cellWrite(9, '0099', 12.5),
  // The condition first parsed after the update of its request used its name and value, then met alone.
  {
    UpdateExpression: 'SET #hw = :minSeq',
    ConditionExpression: '#hw < :minSeq',
    ExpressionAttributeNames: { '#hw': 'hw' },
    ExpressionAttributeValues: { ':minSeq': { S: 'b' } },
  },
  { ConditionExpression: '#hw < :minSeq', ExpressionAttributeNames: { '#hw': 'hw' }, ExpressionAttributeValues: { ':minSeq': { S: 'c' } } },
  // Errors: an unused name, an unused value, an undefined value, a reserved word, an operand of the wrong type,
  // overlapping paths, a syntax error; each met twice so that the second would be a hit if errors were kept.
  ...[1, 2].flatMap((n): Request[] => [
    {
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
      ExpressionAttributeValues: { ':v': { N: `${n}` } },
    },
    {
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': 'a' },
      ExpressionAttributeValues: { ':v': { N: `${n}` }, ':w': { N: '1' } },
    },
    { UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':w': { N: `${n}` } } },
    { UpdateExpression: 'SET count = :v', ExpressionAttributeValues: { ':v': { N: `${n}` } } },
    {
      UpdateExpression: 'SET #a = :s + :v',
      ExpressionAttributeNames: { '#a': 'a' },
      ExpressionAttributeValues: { ':s': { S: 'x' }, ':v': { N: `${n}` } },
    },
    { UpdateExpression: 'ADD #a :s', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':s': { S: `x${n}` } } },
    {
      UpdateExpression: 'SET #a = :v, #a.b = :v',
      ExpressionAttributeNames: { '#a': 'a' },
      ExpressionAttributeValues: { ':v': { N: `${n}` } },
    },
    { ConditionExpression: '#a = = :v', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':v': { N: `${n}` } } },
  ]),
  // The same expression with a value of another type is another parse.
  {
    UpdateExpression: 'SET #a = :s + :v',
    ExpressionAttributeNames: { '#a': 'a' },
    ExpressionAttributeValues: { ':s': { N: '4' }, ':v': { N: '5' } },
  },
  // Values whose content a parse reads: never kept.
  ...['N', 'S', 'Q'].map((type) => ({
    ConditionExpression: 'attribute_type(#a, :t)',
    ExpressionAttributeNames: { '#a': 'a' },
    ExpressionAttributeValues: { ':t': { S: type } },
  })),
  ...[
    [1, 9],
    [9, 1],
  ].map(([low, high]) => ({
    ConditionExpression: '#a BETWEEN :low AND :high',
    ExpressionAttributeNames: { '#a': 'a' },
    ExpressionAttributeValues: { ':low': { N: String(low) }, ':high': { N: String(high) } },
  })),
  // Key conditions and filters, whose parse knows it is a key condition.
  ...['a', 'b'].map((prefix) => ({
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    FilterExpression: '#n > :n',
    ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#n': 'n' },
    ExpressionAttributeValues: { ':pk': { S: 'p' }, ':prefix': { S: prefix }, ':n': { N: '3' } },
  })),
  {
    KeyConditionExpression: '#pk = :pk OR #pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': { S: 'p' } },
  },
];

describe('dynalite parsed expressions kept by what they depend on', () => {
  afterEach(() => {
    validations.expressionCache.enabled = true;
  });

  it('validates every request as it would without the cache, twice over', () => {
    validations.expressionCache.entries.clear();
    for (const round of [1, 2]) {
      for (const [index, request] of requests.entries()) {
        expect(validate(request, true), `request ${index}, round ${round}`).toEqual(validate(request, false));
      }
    }
    expect(validations.expressionCache.entries.size).toBeGreaterThan(0);
  });

  it('puts each request’s own values in the tree, and no request can change what is kept', () => {
    validations.expressionCache.entries.clear();
    const first = validate(cellWrite(1, '0001', 3), true);
    const again = validate(cellWrite(1, '0001', 3), true);
    const second = validate(cellWrite(2, '0002', 8), true);
    expect(validations.expressionCache.entries.size).toBe(2);
    expect(JSON.stringify(again.parsed)).toBe(JSON.stringify(first.parsed));
    expect(JSON.stringify(second.parsed)).toContain('"N":"8"');
    expect(JSON.stringify(second.parsed)).not.toContain('"N":"3"');
    (first.parsed[0] as { sections: unknown[] }).sections.length = 0;
    expect(JSON.stringify(validate(cellWrite(1, '0001', 3), true).parsed)).toBe(JSON.stringify(again.parsed));
  });
});
