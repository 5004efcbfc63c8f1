/** Consumer offsets: where each consumer stands on each shard, and how far behind it is. */
export type { ConsumerOffsets, ShardOffset } from './ConsumerOffsets';
export { measureShardLag, type ShardLag, type ShardPosition } from './measureShardLag';
export { discoverConsumers, readCheckpoints } from './readCheckpoints';
export { DEFAULT_MAX_COUNTED_RECORDS, readOffsets, type ReadOffsetsOptions } from './readOffsets';
export { offsetsJson, offsetsRows } from './renderOffsets';
