/**
 * Splits items into the first occurrence of each event id and the rest.
 *
 * A producer that retries sends the same `id` again; within one batch the
 * first record (lowest sequence number) is the one that counts, so the
 * outcome does not depend on how Lambda happens to split batches.
 *
 * @param items in sequence-number order.
 * @returns `firsts` and `duplicates`, each keeping the input order.
 */
export function splitFirstOccurrences<T extends { readonly event: { readonly id: string } }>(
  items: readonly T[],
): { firsts: T[]; duplicates: T[] } {
  const seen = new Set<string>();
  const firsts: T[] = [];
  const duplicates: T[] = [];
  for (const item of items) {
    if (seen.has(item.event.id)) {
      duplicates.push(item);
    } else {
      seen.add(item.event.id);
      firsts.push(item);
    }
  }
  return { firsts, duplicates };
}
