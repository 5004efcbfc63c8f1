import { quantileBinAttribute, type Contribution } from '../../../core';

/** A run of consecutive contributions and the quantile bins they add to. */
export interface BinnedChunk {
  readonly contributions: readonly Contribution[];
  /** Bin attribute name → how many of the contributions fall in it. */
  readonly bins: ReadonlyMap<string, number>;
}

/** DynamoDB's limit on one expression's length (bytes; the expressions here are ASCII). */
export const MAX_EXPRESSION_BYTES = 4096;

/** The term one bin adds to an UpdateExpression's ADD clause: `, #q<i> :q<i>`. */
export function binTerm(index: number): string {
  return `, #q${index} :q${index}`;
}

/** How many bins fit after an expression of `baseLength` characters. */
export function maxBinsAfter(baseLength: number): number {
  let length = baseLength;
  let bins = 0;
  while (length + binTerm(bins).length <= MAX_EXPRESSION_BYTES) length += binTerm(bins++).length;
  return bins;
}

/**
 * Splits contributions (in sequence order) into consecutive chunks that each
 * touch at most `maxBins` distinct quantile bins, so that each chunk's
 * UpdateExpression stays within DynamoDB's limit. Each chunk is then written
 * as a delta of its own, under its own high-water-mark condition: a failure
 * between two chunks leaves the item with a prefix of the shard's
 * contributions, which the mark tells on the retry, as with any partial batch.
 */
export function chunkByBins(contributions: readonly Contribution[], relativeAccuracy: number, maxBins: number): BinnedChunk[] {
  if (maxBins < 1) throw new Error(`chunkByBins needs room for at least one bin, got ${maxBins}`);
  const chunks: BinnedChunk[] = [];
  let start = 0;
  let bins = new Map<string, number>();
  for (let i = 0; i < contributions.length; i++) {
    const bin = quantileBinAttribute(contributions[i]!.value, relativeAccuracy);
    const count = bins.get(bin);
    if (count !== undefined) {
      bins.set(bin, count + 1);
      continue;
    }
    if (bins.size === maxBins) {
      chunks.push({ contributions: contributions.slice(start, i), bins });
      start = i;
      bins = new Map();
    }
    bins.set(bin, 1);
  }
  if (start < contributions.length) chunks.push({ contributions: start === 0 ? contributions : contributions.slice(start), bins });
  return chunks;
}

/** The bins of some contributions, for a re-read write of those still pending. */
export function binsOf(contributions: readonly Contribution[], relativeAccuracy: number): Map<string, number> {
  const bins = new Map<string, number>();
  for (const { value } of contributions) {
    const bin = quantileBinAttribute(value, relativeAccuracy);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  return bins;
}
