/** Records counted per shard before `offsets` reports "at least". */
export const DEFAULT_MAX_COUNTED_RECORDS = 100_000;
