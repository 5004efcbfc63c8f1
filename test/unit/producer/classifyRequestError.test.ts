import { describe, expect, it } from 'vitest';
import { classifyRequestError } from '../../../src/producer/classifyRequestError';
import { serviceError, socketError } from './factories';

describe('classifyRequestError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', serviceError('ProvisionedThroughputExceededException', 400), 'throttled', false],
    ['KMSThrottlingException', serviceError('KMSThrottlingException', 400), 'throttled', false],
    ['an HTTP 429', serviceError('SomethingElse', 429), 'throttled', false],
    ['ResourceNotFoundException', serviceError('ResourceNotFoundException', 400), 'fatal', false],
    ['AccessDeniedException', serviceError('AccessDeniedException', 400), 'fatal', false],
    ['ValidationException', serviceError('ValidationException', 400), 'fatal', false],
    ['ExpiredTokenException', serviceError('ExpiredTokenException', 400), 'retriable', false],
    ['InternalFailure (500)', serviceError('InternalFailure', 500), 'retriable', true],
    ['ServiceUnavailable (503)', serviceError('ServiceUnavailable', 503), 'retriable', true],
    ['a reset connection', socketError('ECONNRESET'), 'retriable', true],
    ['a broken pipe', socketError('EPIPE'), 'retriable', true],
    ['a refused connection', socketError('ECONNREFUSED'), 'retriable', false],
    ['an unknown host', socketError('ENOTFOUND'), 'retriable', false],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'retriable', true],
    ['missing credentials', Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), 'fatal', false],
  ])('%s', (_, error, kind, ambiguous) => {
    expect(classifyRequestError(error)).toMatchObject({ kind, ambiguous });
  });

  it('keeps the message to one line', () => {
    expect(classifyRequestError(new Error('first\nsecond')).message).toBe('first');
  });
});
