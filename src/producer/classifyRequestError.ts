/** What a failed `PutRecords` request means for its records. */
export interface RequestFailure {
  /**
   * `throttled`: refused for throughput, retry and slow down; `retriable`: retry;
   * `fatal`: retrying cannot help (no such stream, access denied, invalid request).
   */
  readonly kind: 'throttled' | 'retriable' | 'fatal';
  /** The request may have been applied although the client saw it fail. */
  readonly ambiguous: boolean;
  readonly code: string;
  readonly message: string;
}

/** Error names Kinesis and the SDK use for "too much, slow down": the request was refused, not applied. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** 4xx answers that a later attempt can succeed after (clock skew, an expired token being refreshed). */
const RETRIABLE_CLIENT_ERRORS = new Set(['ExpiredTokenException', 'RequestExpired', 'RequestTimeout', 'RequestTimeoutException']);

/** Socket errors raised before the request left: it cannot have been applied. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Errors of the SDK's credential chain: no request was made, and retrying will not find credentials. */
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError']);

/**
 * Classifies the error of a whole `PutRecords` request. Only a definite
 * answer from Kinesis (a 4xx) proves that nothing was written; a network
 * error, a timeout or a 5xx leaves the outcome unknown, so its records are
 * retried as possible duplicates.
 */
export function classifyRequestError(error: unknown): RequestFailure {
  const details = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = details?.name ?? 'Error';
  const code = details?.code ?? name;
  const message = oneLine(details?.message ?? String(error));
  const status = details?.$metadata?.httpStatusCode;

  if (THROTTLING.has(name) || status === 429) return { kind: 'throttled', ambiguous: false, code: name, message };
  if (NO_CREDENTIALS.has(name)) return { kind: 'fatal', ambiguous: false, code: name, message };
  if (status !== undefined && status >= 400 && status < 500) {
    return { kind: RETRIABLE_CLIENT_ERRORS.has(name) ? 'retriable' : 'fatal', ambiguous: false, code: name, message };
  }
  if (NOT_SENT.has(code)) return { kind: 'retriable', ambiguous: false, code, message };
  return { kind: 'retriable', ambiguous: true, code: code === 'Error' ? 'NetworkingError' : code, message };
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}
