import type { Checkpoint, CheckpointStore } from '../../lambdas/aggregator/store/ports';
import { countCall, type CallCounts } from './CallCounts';

/** The CheckpointStore port over a Map; like the adapter, it never moves a checkpoint backwards. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, Checkpoint>();
  readonly calls: CallCounts = {};

  async read(shardId: string): Promise<Checkpoint | undefined> {
    countCall(this.calls, 'read');
    return this.checkpoints.get(shardId);
  }

  async advance(checkpoint: Checkpoint): Promise<void> {
    countCall(this.calls, 'advance');
    const current = this.checkpoints.get(checkpoint.shardId);
    if (current === undefined || current.paddedSequence < checkpoint.paddedSequence) this.checkpoints.set(checkpoint.shardId, checkpoint);
  }
}
