import { StreamtallyError } from '../../core';

/**
 * A mistake the user can fix (a bad flag, a missing stack, unreadable input).
 * The CLI prints its message as one line and exits non-zero, never with a
 * stack trace; any other error is a bug and keeps its trace.
 */
export class UserError extends StreamtallyError {
  override name = 'UserError';

  constructor(
    message: string,
    /** The process exit code. @default 2 */
    readonly exitCode = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
