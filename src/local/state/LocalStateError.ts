/**
 * The local state file is absent, stale (its process is gone) or unreadable. The message
 * is one line saying what to run.
 */
export class LocalStateError extends Error {
  /** `absent`, `stale` or `malformed`. */
  public readonly reason: 'absent' | 'stale' | 'malformed';

  constructor(reason: 'absent' | 'stale' | 'malformed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStateError';
    this.reason = reason;
  }
}
