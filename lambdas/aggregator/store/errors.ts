import { StreamtallyError } from '../../../core';

/** The consumer's DynamoDB and S3 adapters failed in a way of their own (not an SDK error passed on). */
export class StoreError extends StreamtallyError {
  override name = 'StoreError';
}

/** An aggregate item kept changing under a re-read; Lambda retries the batch. */
export class AggregateContentionError extends StoreError {
  override name = 'AggregateContentionError';
}

/** A leaderboard kept changing under a re-read; Lambda retries the batch. */
export class TopKeysContentionError extends StoreError {
  override name = 'TopKeysContentionError';
}

/** A distinct-count sketch item kept changing under a re-read; Lambda retries the batch. */
export class DistinctSketchContentionError extends StoreError {
  override name = 'DistinctSketchContentionError';
}
