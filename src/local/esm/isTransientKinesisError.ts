/** Kinesis' answers for "too much, slow down": nothing was done, a later attempt can succeed. */
const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
]);

/**
 * Whether a failed Kinesis call may succeed if made again: a throttle, a 5xx,
 * or no answer at all (a reset, a refused connection, a timeout). Any other
 * answer of Kinesis (a 4xx: no such stream, access denied, an invalid request)
 * will be given again.
 */
export function isTransientKinesisError(error: unknown): boolean {
  const details = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (THROTTLING_ERRORS.has(details?.name ?? '')) return true;
  const status = details?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}
