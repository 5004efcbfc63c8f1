/** How often a bench store was called, by operation; reported next to the timings as a cross-check. */
export type CallCounts = Record<string, number>;

/** Adds one call of `operation` to `counts`. */
export function countCall(counts: CallCounts, operation: string): void {
  counts[operation] = (counts[operation] ?? 0) + 1;
}
