import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildItemDeltas,
  admissionLimitBytes,
  planPage,
  DEFAULT_PAGE_BUDGET_BYTES,
  DeltaPlacement,
  EMPTY_PAGE,
  type CellPage,
  type Contribution,
  type ItemDelta,
  type PageCell,
  type PagePlan,
  type SequencedEvent,
} from '../../../core';
import { MINUTE, padded, streamEvent } from './factories';

const S1 = 'shardId-000000000001';
const S2 = 'shardId-000000000002';
const T = Date.parse('2026-11-26T12:34:56.789Z');
const WINDOW = Date.parse('2026-11-26T12:34:00Z');

/** Every cell takes 10 bytes and the page nothing else: a budget of 30 holds exactly 3 keys. */
const TEN_A_CELL = {
  cellBytes: (_key: string, _cell: PageCell) => 10,
  pageBytes: (page: CellPage) => 10 * page.cells.size,
};

/** A contribution of `value` (a decimal with up to 3 places) at sequence number `sequence`. */
function contribution(key: string, sequence: number, value: number): Contribution {
  const event = streamEvent({ id: `e${sequence}`, key, tsMs: T, value, valueNanos: BigInt(Math.round(value * 1000)) * 1_000_000n });
  return { paddedSequence: padded(sequence), valueNanos: event.valueNanos, value, event };
}

/** One key's delta of the test window from [sequence, value] pairs, ascending. */
function delta(key: string, shardId: string, ...contributions: ReadonlyArray<readonly [number, number]>): ItemDelta {
  return {
    address: {
      type: 'page_view',
      key,
      granularity: '1m',
      windowStartMs: WINDOW,
      windowSizeMs: 60_000,
      expiresAtSec: (WINDOW + 60_000 + MINUTE.ttlMs) / 1000,
    },
    shardId,
    contributions: contributions.map(([sequence, value]) => contribution(key, sequence, value)),
  };
}

function cell(count: number, sumNanos: bigint, min: number, max: number): PageCell {
  return { count, sumNanos, min, max };
}

function page(
  cells: ReadonlyArray<readonly [string, PageCell]>,
  marks: ReadonlyArray<readonly [string, number]>,
  full: boolean,
  version: number,
): CellPage {
  return { cells: new Map(cells), marks: new Map(marks.map(([shard, sequence]) => [shard, padded(sequence)])), full, version };
}

describe('planPage', () => {
  it('admits a new key and moves the shard mark to the highest pending contribution', () => {
    // Prepare: the second delta's contributions are older than the first's newest.
    const deltas = [delta('a', S1, [3, 1], [7, 2.5]), delta('b', S1, [5, -4])];

    // Act
    const plan = planPage(EMPTY_PAGE, deltas, S1, 100, TEN_A_CELL);

    // Assess
    expect(plan.changed).toBe(true);
    expect(plan.placements).toEqual([DeltaPlacement.page, DeltaPlacement.page]);
    expect(plan.page).toEqual(
      page(
        [
          ['a', cell(2, 3_500_000_000n, 1, 2.5)],
          ['b', cell(1, -4_000_000_000n, -4, -4)],
        ],
        [[S1, 7]],
        false,
        1,
      ),
    );
    expect([...plan.page.cells.keys()]).toEqual(['a', 'b']); // in the order keys were admitted
    expect(EMPTY_PAGE).toEqual(page([], [], false, 0)); // the stored page is not touched
  });

  it('skips contributions at or below the shard mark: a delta with nothing newer is applied', () => {
    // Prepare
    const stored = page([['a', cell(2, 2_000_000_000n, 1, 1)]], [[S1, 10]], false, 4);

    // Act
    const plan = planPage(stored, [delta('a', S1, [9, 1], [10, 1])], S1, 100, TEN_A_CELL);

    // Assess
    expect(plan.changed).toBe(false);
    expect(plan.placements).toEqual([DeltaPlacement.applied]);
    expect(plan.page).toBe(stored);
  });

  it('takes only the contributions above the shard mark of a delta that straddles it', () => {
    // Prepare
    const stored = page([['a', cell(2, 2_000_000_000n, 1, 1)]], [[S1, 10]], false, 4);

    // Act
    const plan = planPage(stored, [delta('a', S1, [9, 100], [10, 100], [11, 0.5])], S1, 100, TEN_A_CELL);

    // Assess: 9 and 10 (value 100) are in the page already.
    expect(plan.placements).toEqual([DeltaPlacement.page]);
    expect(plan.page.cells.get('a')).toEqual(cell(3, 2_500_000_000n, 0.5, 1));
    expect(plan.page.marks.get(S1)).toBe(padded(11));
    expect(plan.page.version).toBe(5);
  });

  it("keeps another shard's mark independent of this shard's", () => {
    // Prepare: S2 has gone far ahead; S1's own mark is 10.
    const stored = page(
      [['a', cell(1, 1_000_000_000n, 1, 1)]],
      [
        [S1, 10],
        [S2, 500],
      ],
      false,
      2,
    );

    // Act
    const fromS1 = planPage(stored, [delta('a', S1, [11, 2])], S1, 100, TEN_A_CELL);
    const fromS2 = planPage(stored, [delta('a', S2, [499, 3])], S2, 100, TEN_A_CELL);
    const fromNewShard = planPage(stored, [delta('a', 'shardId-000000000003', [1, 4])], 'shardId-000000000003', 100, TEN_A_CELL);

    // Assess
    expect(fromS1.placements).toEqual([DeltaPlacement.page]);
    expect(fromS1.page.marks).toEqual(
      new Map([
        [S1, padded(11)],
        [S2, padded(500)],
      ]),
    );
    expect(fromS1.page.cells.get('a')).toEqual(cell(2, 3_000_000_000n, 1, 2));
    expect(fromS2.placements).toEqual([DeltaPlacement.applied]);
    expect(fromS2.changed).toBe(false);
    expect(fromNewShard.placements).toEqual([DeltaPlacement.page]);
    expect(fromNewShard.page.marks.get('shardId-000000000003')).toBe(padded(1));
    expect(fromNewShard.page.marks.get(S1)).toBe(padded(10));
  });

  it('overflows a key that is not in a full page and leaves the page unchanged', () => {
    // Prepare
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], true, 3);

    // Act
    const plan = planPage(stored, [delta('z', S1, [11, 5], [12, 6])], S1, DEFAULT_PAGE_BUDGET_BYTES, TEN_A_CELL);

    // Assess: no write; the page's mark does not take the overflowed contributions.
    expect(plan.placements).toEqual([DeltaPlacement.overflow]);
    expect(plan.changed).toBe(false);
    expect(plan.page).toBe(stored);
  });

  it('overflows, without a write, a key not in the page whose contributions are all at or below the mark', () => {
    // Prepare: not full; 'z' was never admitted, so its old contributions are not the page's to skip.
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], false, 3);

    // Act
    const plan = planPage(stored, [delta('z', S1, [8, 5], [10, 6])], S1, 100, TEN_A_CELL);

    // Assess
    expect(plan.placements).toEqual([DeltaPlacement.overflow]);
    expect(plan.changed).toBe(false);
    expect(plan.page).toBe(stored);
  });

  it('lets a key already in a full page take contributions next to one that overflows', () => {
    // Prepare
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], true, 3);

    // Act
    const plan = planPage(stored, [delta('z', S1, [11, 5]), delta('a', S1, [12, 3]), delta('y', S1, [13, 7])], S1, 1_000, TEN_A_CELL);

    // Assess
    expect(plan.placements).toEqual([DeltaPlacement.overflow, DeltaPlacement.page, DeltaPlacement.overflow]);
    expect(plan.changed).toBe(true);
    expect(plan.page).toEqual(page([['a', cell(2, 4_000_000_000n, 1, 3)]], [[S1, 12]], true, 4));
  });

  it('overflows the delta that crosses the budget, sets full, and still updates keys in the page', () => {
    // Prepare: two of three cells taken; a budget of 30 holds one more.
    const stored = page(
      [
        ['a', cell(1, 1_000_000_000n, 1, 1)],
        ['b', cell(1, 2_000_000_000n, 2, 2)],
      ],
      [[S1, 10]],
      false,
      7,
    );
    const deltas = [
      delta('c', S1, [11, 3]), // the 3rd cell: 30 bytes, at the budget, admitted
      delta('d', S1, [12, 4]), // 40 > 30: overflows and fills the page
      delta('a', S1, [13, 5]), // in the page: still takes its contribution
      delta('e', S1, [14, 6]), // the page is full now: overflows
    ];

    // Act
    const plan = planPage(stored, deltas, S1, 30, TEN_A_CELL);

    // Assess
    expect(plan.placements).toEqual([DeltaPlacement.page, DeltaPlacement.overflow, DeltaPlacement.page, DeltaPlacement.overflow]);
    expect(plan.changed).toBe(true);
    expect(plan.page).toEqual(
      page(
        [
          ['a', cell(2, 6_000_000_000n, 1, 5)],
          ['b', cell(1, 2_000_000_000n, 2, 2)],
          ['c', cell(1, 3_000_000_000n, 3, 3)],
        ],
        [[S1, 13]], // 14 went to a per-key item, not to the page
        true,
        8,
      ),
    );
  });

  it('makes `changed` true when crossing the budget is all that happens, so `full` is stored', () => {
    // Prepare
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], false, 1);

    // Act
    const plan = planPage(stored, [delta('b', S1, [11, 1])], S1, 15, TEN_A_CELL);

    // Assess
    expect(plan.placements).toEqual([DeltaPlacement.overflow]);
    expect(plan.changed).toBe(true);
    expect(plan.page).toEqual(page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], true, 2));
    // A retry of the same batch against the page as written overflows the key again, without a write.
    const retry = planPage(plan.page, [delta('b', S1, [11, 1])], S1, 15, TEN_A_CELL);
    expect(retry.placements).toEqual([DeltaPlacement.overflow]);
    expect(retry.changed).toBe(false);
  });

  it('fills an empty page whose budget cannot hold a single cell', () => {
    // Act
    const plan = planPage(EMPTY_PAGE, [delta('a', S1, [1, 1])], S1, 9, TEN_A_CELL);

    // Assess
    expect(plan.placements).toEqual([DeltaPlacement.overflow]);
    expect(plan.page).toEqual(page([], [], true, 1));
  });

  it('increments the version only when the page changed', () => {
    // Prepare
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], true, 41);

    // Act
    const applied = planPage(stored, [delta('a', S1, [10, 1])], S1, 100, TEN_A_CELL);
    const overflowed = planPage(stored, [delta('b', S1, [11, 1])], S1, 100, TEN_A_CELL);
    const nothing = planPage(stored, [], S1, 100, TEN_A_CELL);
    const taken = planPage(stored, [delta('a', S1, [11, 1])], S1, 100, TEN_A_CELL);

    // Assess
    expect([applied.changed, overflowed.changed, nothing.changed, taken.changed]).toEqual([false, false, false, true]);
    expect([applied.page.version, overflowed.page.version, nothing.page.version, taken.page.version]).toEqual([41, 41, 41, 42]);
  });

  it('combines count, exact sum, min and max of the stored cell and the new contributions', () => {
    // Prepare: 0.1 stored; 0.2, -3.5 and 7 arrive, and 0.1 + 0.2 must be exactly 0.3 before -3.5 and 7.
    const stored = page([['a', cell(1, 100_000_000n, 0.1, 0.1)]], [[S1, 1]], false, 1);

    // Act
    const plan = planPage(stored, [delta('a', S1, [2, 0.2], [3, -3.5], [4, 7])], S1, 100, TEN_A_CELL);

    // Assess
    expect(plan.page.cells.get('a')).toEqual(cell(4, 3_800_000_000n, -3.5, 7));
    const onlySmall = planPage(stored, [delta('a', S1, [2, 0.2])], S1, 100, TEN_A_CELL);
    expect(onlySmall.page.cells.get('a')).toEqual(cell(2, 300_000_000n, 0.1, 0.2));
  });

  it('plans the same page from the same inputs and never mutates the stored page', () => {
    // Prepare
    const stored = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], false, 1);
    const snapshot = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, 10]], false, 1);
    const deltas = [delta('a', S1, [11, 2]), delta('b', S1, [12, 3]), delta('c', S1, [13, 4])];

    // Act
    const first = planPage(stored, deltas, S1, 25, TEN_A_CELL);
    const second = planPage(stored, deltas, S1, 25, TEN_A_CELL);

    // Assess
    expect(first).toEqual(second);
    expect(first.placements).toEqual([DeltaPlacement.page, DeltaPlacement.page, DeltaPlacement.overflow]);
    expect(stored).toEqual(snapshot);
  });
});

// ---- the property: pages + per-key items add up to every event exactly once ----

const KEYS = ['a', 'bb', 'ccc', 'dddd', 'e', 'ff'] as const;
const SHARDS = [S1, S2] as const;

/** Sizes that grow with the key, as the real encoding's do; the page's other attributes count too. */
const SIZES = {
  cellBytes: (key: string, _cell: PageCell) => 10 + key.length,
  pageBytes: (p: CellPage) => 5 + [...p.cells.keys()].reduce((sum, key) => sum + 10 + key.length, 0),
};

interface PerKeyItem {
  cell: PageCell;
  readonly marks: Map<string, string>;
}

interface Store {
  page: CellPage;
  readonly perKey: Map<string, PerKeyItem>;
}

function combine(a: PageCell | undefined, b: PageCell): PageCell {
  if (a === undefined) return b;
  return { count: a.count + b.count, sumNanos: a.sumNanos + b.sumNanos, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

function cellOf(contributions: readonly Contribution[]): PageCell {
  return contributions.reduce<PageCell | undefined>(
    (total, c) => combine(total, { count: 1, sumNanos: c.valueNanos, min: c.value, max: c.value }),
    undefined,
  )!;
}

/** A per-key item's conditional update: the contributions above its own mark of the shard. */
function applyPerKey(store: Store, d: ItemDelta): void {
  const item = store.perKey.get(d.address.key);
  const mark = item?.marks.get(d.shardId);
  const pending = d.contributions.filter((c) => mark === undefined || c.paddedSequence > mark);
  if (pending.length === 0) return;
  const next: PerKeyItem = item ?? { cell: cellOf(pending), marks: new Map() };
  if (item !== undefined) next.cell = combine(item.cell, cellOf(pending));
  next.marks.set(d.shardId, pending[pending.length - 1]!.paddedSequence);
  store.perKey.set(d.address.key, next);
}

function expectNoKeyInBoth(store: Store): void {
  for (const key of store.page.cells.keys()) expect(store.perKey.has(key), `key ${key} in the page and in a per-key item`).toBe(false);
}

/**
 * One attempt at a batch's window, as the store makes it: plan, write the page
 * if it changed, then the overflow deltas' per-key items (only the first
 * `perKeyWrites` of them: the attempt may crash in between).
 */
function attempt(store: Store, deltas: readonly ItemDelta[], shardId: string, budget: number, perKeyWrites = Infinity): PagePlan {
  const before = store.page;
  const plan = planPage(before, deltas, shardId, budget, SIZES);
  expect(plan.placements).toHaveLength(deltas.length);
  if (plan.changed) {
    expect(plan.page.version).toBe(before.version + 1);
    expect(plan.page.full || !before.full).toBe(true); // never cleared
    store.page = plan.page;
  } else {
    expect(plan.page).toBe(before);
  }
  // A key goes to a per-key item only once the page is stored full.
  if (plan.placements.includes(DeltaPlacement.overflow)) expect(store.page.full).toBe(true);
  let written = 0;
  for (let i = 0; i < deltas.length; i++) {
    if (plan.placements[i] !== DeltaPlacement.overflow) continue;
    if (written++ >= perKeyWrites) break;
    applyPerKey(store, deltas[i]!);
  }
  expectNoKeyInBoth(store);
  return plan;
}

const Delivery = {
  /** Delivered and written once. */
  once: 'once',
  /** Written in full, then delivered again (the Lambda failed after writing). */
  again: 'again',
  /** Planned from the state before, the page write lost; then delivered again. */
  lostWrite: 'lostWrite',
  /** The page written but only some per-key items; then delivered again. */
  crashAfterPage: 'crashAfterPage',
} as const;

const batchArbitrary = fc.record({
  shard: fc.constantFrom(...SHARDS),
  events: fc.array(fc.record({ key: fc.constantFrom(...KEYS), thousandths: fc.integer({ min: -5_000, max: 5_000 }) }), {
    minLength: 1,
    maxLength: 8,
  }),
  delivery: fc.constantFrom(...Object.values(Delivery)),
  perKeyWrites: fc.nat({ max: 3 }),
});

describe('planPage, simulated against a store', () => {
  it('counts every event exactly once in page cells plus per-key items, under redeliveries, and never a key in both', () => {
    fc.assert(
      fc.property(fc.array(batchArbitrary, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 90 }), (batches, budget) => {
        // Prepare: both shards count from the same (large) sequence number, so their numbers overlap.
        const next = new Map<string, bigint>(SHARDS.map((shard) => [shard, 49_650_000_000_000_000_000n]));
        const store: Store = { page: EMPTY_PAGE, perKey: new Map() };
        const bruteForce = new Map<string, PageCell>();
        let id = 0;

        for (const { shard, events, delivery, perKeyWrites } of batches) {
          const sequenced: SequencedEvent[] = events.map(({ key, thousandths }) => {
            const sequence = next.get(shard)!;
            next.set(shard, sequence + 1n + BigInt(thousandths & 1)); // gaps, as Kinesis has
            const value = thousandths / 1000;
            const valueNanos = BigInt(thousandths) * 1_000_000n;
            bruteForce.set(key, combine(bruteForce.get(key), { count: 1, sumNanos: valueNanos, min: value, max: value }));
            return { event: streamEvent({ id: `e${id++}`, key, tsMs: T, value, valueNanos }), paddedSequence: padded(sequence) };
          });
          const deltas = buildItemDeltas(shard, sequenced, [MINUTE]);

          // Act
          if (delivery === Delivery.once) {
            attempt(store, deltas, shard, budget);
          } else if (delivery === Delivery.again) {
            attempt(store, deltas, shard, budget);
            const retry = attempt(store, deltas, shard, budget);
            // Everything was written: nothing left for the page.
            expect(retry.changed).toBe(false);
            expect(retry.placements).not.toContain(DeltaPlacement.page);
          } else if (delivery === Delivery.lostWrite) {
            const lost = planPage(store.page, deltas, shard, budget, SIZES);
            const written = attempt(store, deltas, shard, budget);
            expect(written).toEqual(lost);
          } else {
            attempt(store, deltas, shard, budget, perKeyWrites);
            attempt(store, deltas, shard, budget);
          }
        }

        // Assess
        const total = new Map<string, PageCell>();
        for (const [key, c] of store.page.cells) total.set(key, combine(total.get(key), c));
        for (const [key, item] of store.perKey) total.set(key, combine(total.get(key), item.cell));
        expect(total).toEqual(bruteForce);
        expectNoKeyInBoth(store);
        for (const shard of SHARDS) {
          const mark = store.page.marks.get(shard);
          if (mark !== undefined) expect(mark < padded(next.get(shard)!)).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('admissionLimitBytes', () => {
  it('grows a page past 4 KB only by a batch writing a cell per KB, and never past the budget', () => {
    expect(admissionLimitBytes(16_384, 1)).toBe(4_096);
    expect(admissionLimitBytes(16_384, 4)).toBe(4_096);
    expect(admissionLimitBytes(16_384, 10)).toBe(10_240);
    expect(admissionLimitBytes(16_384, 500)).toBe(16_384);
    // A budget below 4 KB is the limit whatever the batch.
    expect(admissionLimitBytes(300, 1)).toBe(300);
  });

  it('keeps a sparse batch from growing a page past 4 KB: the key overflows and the page is stored full', () => {
    // Prepare: a page of 4,090 bytes (409 cells of 10), a batch with one new key; a budget of 16 KB.
    const cells = Array.from({ length: 409 }, (_, i) => [`k${i}`, cell(1, 1_000_000_000n, 1, 1)] as const);
    const stored = page(cells, [[S1, 1]], false, 7);
    // Act
    const sparse = planPage(stored, [delta('new', S1, [2, 1])], S1, 16_384, TEN_A_CELL);
    // A dense batch (ten of its keys, the new one among them) may grow the same page to 10 KB.
    const dense = planPage(
      stored,
      [delta('new', S1, [2, 1]), ...cells.slice(0, 9).map(([key], i) => delta(key, S1, [3 + i, 1]))],
      S1,
      16_384,
      TEN_A_CELL,
    );
    // Assess
    expect(sparse.placements).toEqual([DeltaPlacement.overflow]);
    expect(sparse.page.full).toBe(true);
    expect(dense.placements[0]).toBe(DeltaPlacement.page);
    expect(dense.page.full).toBe(false);
  });
});
