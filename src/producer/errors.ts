import { StreamtallyError } from '../../core';

/**
 * Errors of the producer. {@link ProducerError} is the base of them all, so a
 * caller can tell the producer's refusals from anything else.
 */
export class ProducerError extends StreamtallyError {
  override name = 'ProducerError';
}

/**
 * An event the producer refused before sending it: it breaks the event
 * contract (docs/contract.md §1) or a Kinesis record limit. It was never buffered
 * and never sent; {@link reason} says why, in one line naming the field.
 */
export class ProducerValidationError extends ProducerError {
  override name = 'ProducerValidationError';

  constructor(
    /** One line naming the field and the rule, e.g. `field "ts": must be ...`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`event not sent: ${reason}`, options);
  }
}

/** `send` after `close()`: the producer accepts nothing more. */
export class ProducerClosedError extends ProducerError {
  override name = 'ProducerClosedError';

  constructor(options?: { cause?: unknown }) {
    super('the producer is closed', options);
  }
}
