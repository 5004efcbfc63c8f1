import { StreamtallyError } from '../../core';

/** The errors of `replay` and of `reconcile`, which compares and repairs from a replay's shadow. */
export class ReplayError extends StreamtallyError {
  override name = 'ReplayError';
}

/**
 * A replay that cannot start as asked: a range in the future, or a shadow
 * that already holds a different replay. The CLI prints the message as one
 * line; nothing has been written when it is thrown.
 */
export class ReplayRefusal extends ReplayError {
  override name = 'ReplayRefusal';
}

/** The replay's checkpoint on a shard has left the stream's retention. */
export class CheckpointTrimmedError extends ReplayError {
  override name = 'CheckpointTrimmedError';

  constructor(shardId: string, options?: { cause?: unknown }) {
    super(
      `the replay's position on ${shardId} is no longer in the stream (past its retention): records after it are gone, so the replay cannot be exact; start over with --restart`,
      options,
    );
  }
}

/** A page could not be applied after every retry. */
export class ReplayWriteError extends ReplayError {
  override name = 'ReplayWriteError';

  constructor(shardId: string, attempts: number, options: { cause: unknown }) {
    super(
      `replay of ${shardId}: a write still failed after ${attempts} attempts: ${(options.cause as Error)?.message ?? String(options.cause)}`,
      options,
    );
  }
}

/** Reconcile cannot run as asked (no such shadow, or its replay is not finished). */
export class ReconcileRefusal extends ReplayError {
  override name = 'ReconcileRefusal';
}
