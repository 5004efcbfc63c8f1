import { describe, expect, it } from 'vitest';

// dynalite is patched (patches/dynalite+4.0.0.patch) not to rewrite a secondary index entry that an update left
// as it was: each counter update of the local stack's aggregates table wrote its KEYS_ONLY `byWindow` entry
// again. The index actions of one write are computed by a pure function, checked here case by case.
type AttributeValue = Record<string, string>;
type Item = Record<string, AttributeValue>;
interface IndexActions {
  puts: { index: string; key: string; item: Item }[];
  deletes: { index: string; key: string }[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getIndexActions } = require('dynalite/db') as {
  getIndexActions: (indexes: object[], existingItem: Item | undefined, item: Item | undefined, table: object) => IndexActions;
};

const table = {
  TableName: 'aggregates',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'win', AttributeType: 'S' },
  ],
};
const index = (ProjectionType: string, NonKeyAttributes?: string[]) => ({
  IndexName: 'byWindow',
  KeySchema: [
    { AttributeName: 'win', KeyType: 'HASH' },
    { AttributeName: 'pk', KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType, NonKeyAttributes },
});
const cell = (count: number, win = 'page_view#1m#2026-12-03T16:00') => ({
  pk: { S: 'page_view#/home' },
  sk: { S: '1m#2026-12-03T16:00' },
  win: { S: win },
  count: { N: String(count) },
  label: { S: count > 5 ? 'busy' : 'quiet' },
});
const actionsOf = (projection: object, before: Item | undefined, after: Item | undefined) => {
  const { puts, deletes } = getIndexActions([projection], before, after, table);
  return { puts: puts.length, deletes: deletes.length };
};

describe('dynalite secondary index writes', () => {
  it('writes no KEYS_ONLY entry when an update changes attributes the index does not hold', () => {
    expect(actionsOf(index('KEYS_ONLY'), cell(1), cell(2))).toEqual({ puts: 0, deletes: 0 });
  });

  it('writes the entry of a new item, and deletes the entry of a deleted one', () => {
    expect(actionsOf(index('KEYS_ONLY'), undefined, cell(1))).toEqual({ puts: 1, deletes: 0 });
    expect(actionsOf(index('KEYS_ONLY'), cell(1), undefined)).toEqual({ puts: 0, deletes: 1 });
  });

  it('moves the entry when the index key changes', () => {
    expect(actionsOf(index('KEYS_ONLY'), cell(1), cell(2, 'page_view#1m#2026-12-03T16:01'))).toEqual({ puts: 1, deletes: 1 });
  });

  it('rewrites an INCLUDE entry only when an included attribute changes', () => {
    expect(actionsOf(index('INCLUDE', ['label']), cell(1), cell(2))).toEqual({ puts: 0, deletes: 0 });
    expect(actionsOf(index('INCLUDE', ['label']), cell(5), cell(6))).toEqual({ puts: 1, deletes: 0 });
    const { count: _dropped, ...withoutCount } = cell(3);
    expect(actionsOf(index('INCLUDE', ['count']), withoutCount, cell(3))).toEqual({ puts: 1, deletes: 0 });
  });

  it('rewrites an ALL entry on any change', () => {
    expect(actionsOf(index('ALL'), cell(1), cell(2))).toEqual({ puts: 1, deletes: 0 });
  });
});
