import { KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * A client like `client` (same region, endpoint, credentials and HTTP
 * handler) that makes one attempt per request, so that the producer sees and
 * counts every attempt. The HTTP handler is shared: destroy the original, not this one.
 */
export function singleAttemptClient(client: KinesisClient): KinesisClient {
  const config = client.config;
  return new KinesisClient({
    region: config.region,
    credentials: config.credentials,
    ...(config.isCustomEndpoint && config.endpoint ? { endpoint: config.endpoint } : {}),
    requestHandler: config.requestHandler,
    maxAttempts: 1,
  });
}
