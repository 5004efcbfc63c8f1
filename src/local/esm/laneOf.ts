import { createHash } from 'node:crypto';

/**
 * The lane (0…lanes-1) of a partition key when a shard is processed with a
 * parallelization factor: every record of one key lands in the same lane,
 * which is what keeps Lambda's order per partition key. MD5, as Kinesis uses
 * to map keys to shards, spreads keys evenly.
 */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}
