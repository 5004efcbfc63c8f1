import type { QuarantinedRecord, QuarantineSink } from '../../lambdas/aggregator/store/ports';
import { countCall, type CallCounts } from './CallCounts';

/** The QuarantineSink port over a Map keyed like the S3 objects (shard and sequence number). */
export class MemoryQuarantineSink implements QuarantineSink {
  readonly records = new Map<string, QuarantinedRecord>();
  readonly calls: CallCounts = {};

  async put(record: QuarantinedRecord): Promise<void> {
    countCall(this.calls, 'put');
    this.records.set(`${record.shardId}/${record.sequenceNumber}`, record);
  }
}
