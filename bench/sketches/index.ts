/**
 * `npx tsx bench/sketches`: the CPU cost of the sketches the consumer runs per
 * event: ns per HyperLogLog add (hash included) and per quantile bin name
 * (DDSketch mapping), and for reference the hash through node:crypto. It
 * reports, it never asserts a timing.
 */
import { createHash } from 'node:crypto';
import { HyperLogLog, quantileBinAttribute } from '../../core';

const VALUES = 200_000;
const ROUNDS = 7;

/** Median ns per call of `run` over `count` calls, after a warm-up round. */
function nsPerCall(count: number, run: () => void): number {
  run();
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - started) / count);
  }
  return samples.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

const ids = Array.from({ length: VALUES }, (_, i) => `user-${i.toString(36)}-${(i * 2654435761) % 1_000_003}`);
const keys = Array.from({ length: VALUES }, (_, i) => `/products/${i % 5_000}/reviews?page=${i % 7}&ü=${i}`);
const values = Array.from({ length: VALUES }, (_, i) => Math.exp(((i * 7919) % 10_007) / 1_000) * (i % 11 === 0 ? -1 : 1));

const sketch = HyperLogLog.create(12);
const addIds = nsPerCall(VALUES, () => {
  for (const id of ids) sketch.add(id);
});
const addKeys = nsPerCall(VALUES, () => {
  for (const key of keys) sketch.add(key);
});
let sink = 0;
const sha256 = nsPerCall(VALUES, () => {
  for (const id of ids) sink ^= createHash('sha256').update(id).digest().readUInt32BE(0);
});
const bins = nsPerCall(VALUES, () => {
  for (const value of values) sink ^= quantileBinAttribute(value, 0.01).length;
});
const merged = HyperLogLog.create(12);
const dense = HyperLogLog.create(12);
for (const id of ids) dense.add(id);
const merges = 2_000;
const mergeNs = nsPerCall(merges, () => {
  for (let i = 0; i < merges; i++) merged.merge(dense);
});
const bytes = dense.toBytes();
const roundTripNs = nsPerCall(merges, () => {
  for (let i = 0; i < merges; i++) sink ^= HyperLogLog.fromBytes(bytes).toBytes().length;
});

const row = (label: string, ns: number) => console.log(`${label.padEnd(64)} ${ns.toFixed(0).padStart(7)} ns`);
console.log(`sketches, ${VALUES.toLocaleString('en')} values, median of ${ROUNDS} rounds (Node ${process.version})`);
row('HyperLogLog p=12 add, ids of ~18 ASCII characters', addIds);
row('HyperLogLog p=12 add, keys of ~35 characters with one non-ASCII', addKeys);
row('  for reference: node:crypto sha256 of the same ids, per id', sha256);
row('quantileBinAttribute, relative accuracy 0.01', bins);
row('HyperLogLog p=12 merge of a dense sketch', mergeNs);
row('HyperLogLog p=12 fromBytes + toBytes, dense', roundTripNs);
if (sink === 0.5) console.log(sink);
