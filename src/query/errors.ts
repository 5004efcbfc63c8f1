import { StreamtallyError } from '../../core';

/** The errors of reading aggregates (`query`). */
export class QueryError extends StreamtallyError {
  override name = 'QueryError';
}

/** A top-N query asked for more keys than the window's leaderboard keeps. */
export class TopKeysDepthError extends QueryError {
  override name = 'TopKeysDepthError';

  constructor(
    readonly asked: number,
    readonly depth: number,
    options?: { cause?: unknown },
  ) {
    super(`the leaderboards keep the top ${depth} keys of each window (TOP_KEYS_DEPTH); asked for ${asked}`, options);
  }
}

/** A rollup met windows of one key whose quantile bins were made with different accuracies: bins of two mappings do not add. */
export class QuantileAccuracyMismatchError extends QueryError {
  override name = 'QuantileAccuracyMismatchError';

  constructor(
    readonly key: string,
    readonly first: number,
    readonly second: number,
    options?: { cause?: unknown },
  ) {
    super(
      `the windows of key ${JSON.stringify(key)} hold quantile bins of accuracy ${first} and ${second}, which cannot be merged; roll up a range of one accuracy`,
      options,
    );
  }
}
