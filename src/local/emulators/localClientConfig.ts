import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Options of {@link localClientConfig}. */
export interface LocalClientOptions {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Attempts per request, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** How long one request may take. @default 0 (no limit) */
  readonly requestTimeoutMs?: number;
  /** What requests are signed with (LocalStack's `test`/`test`, say). @default local/local */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The AWS SDK v3 client configuration for an emulator endpoint (the local stack's, or
 * LocalStack's). The emulators accept any credentials; fixed ones keep the SDK from
 * searching the machine (and from finding real ones). NodeHttpHandler because the
 * Kinesis client's default HTTP/2 handler fails against a plain-HTTP endpoint.
 */
export function localClientConfig(endpoint: string, options: LocalClientOptions = {}) {
  return {
    endpoint,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: options.requestTimeoutMs ?? 0 }),
  };
}
