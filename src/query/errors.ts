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
