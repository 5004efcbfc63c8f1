/**
 * Quantiles of `value` as a DDSketch (Masson, Rim and Lee, "DDSketch: a fast
 * and fully-mergeable quantile sketch with relative-error guarantees",
 * VLDB 2019) kept as Number attributes of the aggregate item, one per bin
 * (docs/measures.md, item layout): `qp<key>` counts the positive values of
 * bin `key`, `qn<key>` the negative ones by |value|, `qz` the zeros.
 *
 * As bin counts, a sketch is written with the same conditional ADD as `count`
 * (exactly once under redelivery, docs/exactly-once.md), and merging sketches
 * is adding counts. The bin keys and the query are Datadog's own
 * `@datadog/sketches-js` (its LogarithmicMapping, the memory-optimal one, and
 * DDSketch.getValueAtQuantile), so a bin means exactly what DDSketch means.
 *
 * The guarantee, in the library's rank convention: for values x_0 ≤ … ≤ x_{n−1},
 * the estimate at quantile q is within relativeAccuracy of x_⌊q·(n−1)⌋
 * (test/unit/core/sketches/quantileBins.test.ts). Values with |value| at or
 * below the mapping's smallest indexable value (about 2.2e-308) go to the zero
 * bin, as DDSketch puts them.
 */
import { DDSketch } from '@datadog/sketches-js';
import { SketchError } from '../errors';
import { MeasureAttributes } from '../measures';

const { positiveBinPrefix, negativeBinPrefix, zeroBin } = MeasureAttributes;
const BIN_NAME = new RegExp(`^(${positiveBinPrefix}|${negativeBinPrefix})(-?(?:0|[1-9]\\d*))$`);

type Mapping = DDSketch['mapping'];

// One mapping per accuracy: building one costs logarithms and a sketch, and the consumer asks per event.
// The package exports only the sketch classes, so the mapping is a plain DDSketch's (its LogarithmicMapping).
const mappings = new Map<number, Mapping>();

function mappingOf(relativeAccuracy: number): Mapping {
  let mapping = mappings.get(relativeAccuracy);
  if (mapping === undefined) {
    checkAccuracy(relativeAccuracy);
    mapping = new DDSketch({ relativeAccuracy }).mapping;
    mappings.set(relativeAccuracy, mapping);
  }
  return mapping;
}

function checkAccuracy(relativeAccuracy: number): void {
  if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
    throw new SketchError(`DDSketch relative accuracy must be above 0 and below 1, got ${relativeAccuracy}`);
  }
}

/** The bin attribute `value` is counted in: `qp<key>`, `qn<key>` (of |value|) or `qz`. */
export function quantileBinAttribute(value: number, relativeAccuracy: number): string {
  const mapping = mappingOf(relativeAccuracy);
  if (value > mapping.minPossible) return `${positiveBinPrefix}${mapping.key(value)}`;
  if (value < -mapping.minPossible) return `${negativeBinPrefix}${mapping.key(-value)}`;
  if (Number.isNaN(value)) throw new SketchError('DDSketch value must be a number, got NaN');
  return zeroBin;
}

/** Whether an item attribute name is a quantile bin's (`qa`, the accuracy, is not). */
export function isQuantileBinAttribute(name: string): boolean {
  return name === zeroBin || BIN_NAME.test(name);
}

function checkCount(name: string, count: number): void {
  if (!(count >= 0 && Number.isFinite(count))) throw new SketchError(`quantile bin ${name} holds ${count}, not a count`);
}

/**
 * The estimated value at quantile `q` (0 … 1) of the values counted in
 * `bins` (an item's attributes as numbers; only bin names are looked at),
 * clamped to `range` when given (the item's exact `min` and `max`).
 * Undefined when the bins count nothing.
 */
export function quantileFromBins(
  bins: Readonly<Record<string, number>>,
  q: number,
  relativeAccuracy: number,
  range?: { min: number; max: number },
): number | undefined {
  checkAccuracy(relativeAccuracy);
  if (!(q >= 0 && q <= 1)) throw new SketchError(`quantile must be from 0 to 1, got ${q}`);
  const positive: [number, number][] = [];
  const negative: [number, number][] = [];
  let zeros = 0;
  for (const [name, count] of Object.entries(bins)) {
    if (name === zeroBin) {
      checkCount(name, count);
      zeros += count;
      continue;
    }
    const match = BIN_NAME.exec(name);
    if (match === null) continue;
    checkCount(name, count);
    if (count > 0) (match[1] === positiveBinPrefix ? positive : negative).push([Number(match[2]), count]);
  }
  const sketch = new DDSketch({ relativeAccuracy });
  // In key order, so the dense stores grow at one end only.
  for (const [key, count] of positive.sort((a, b) => a[0] - b[0])) sketch.store.add(key, count);
  for (const [key, count] of negative.sort((a, b) => a[0] - b[0])) sketch.negativeStore.add(key, count);
  sketch.zeroCount = zeros;
  sketch.count = sketch.store.count + sketch.negativeStore.count + zeros;
  if (sketch.count === 0) return undefined;
  const estimate = sketch.getValueAtQuantile(q);
  return range === undefined ? estimate : Math.min(range.max, Math.max(range.min, estimate));
}

/** The bins of both, counts added: the bins of all the values of `a` and `b` together. Other attributes are left out. */
export function mergeBins(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const bins of [a, b]) {
    for (const [name, count] of Object.entries(bins)) {
      if (!isQuantileBinAttribute(name)) continue;
      checkCount(name, count);
      merged[name] = (merged[name] ?? 0) + count;
    }
  }
  return merged;
}
