import {
  KinesisClient,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { ProducerEvent } from '../../../src/producer/types';

/** A valid producer event; `n` makes the id (and, unless overridden, nothing else) unique. */
export function producerEvent(n: number, overrides: Partial<ProducerEvent> = {}): ProducerEvent {
  return { id: `evt-${n}`, type: 'page_view', key: '/products/42', ts: '2026-11-26T12:34:56.789Z', ...overrides };
}

/** A client for aws-sdk-client-mock to stub: one attempt, fixed credentials, never reaches the network. */
export function singleAttemptClient(): KinesisClient {
  return new KinesisClient({ region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

/** The ids of the records of one PutRecords input, in order. */
export function idsOf(input: PutRecordsCommandInput): string[] {
  return (input.Records ?? []).map((record) => (JSON.parse(Buffer.from(record.Data!).toString('utf8')) as { id: string }).id);
}

/** A 200 answer in which the records at `failed` carry `errorCode` and the rest were written. */
export function answer(
  input: PutRecordsCommandInput,
  failed: (index: number, id: string) => boolean = () => false,
  errorCode = 'ProvisionedThroughputExceededException',
): PutRecordsCommandOutput {
  const ids = idsOf(input);
  const records: PutRecordsResultEntry[] = ids.map((id, index) =>
    failed(index, id)
      ? { ErrorCode: errorCode, ErrorMessage: `${errorCode} for ${id}` }
      : { ShardId: 'shardId-000000000000', SequenceNumber: String(1000 + index) },
  );
  return {
    $metadata: { httpStatusCode: 200, attempts: 1 },
    FailedRecordCount: records.filter((record) => record.ErrorCode).length,
    Records: records,
  };
}

/** A service error as the SDK throws it. */
export function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} (test)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, attempts: 1 },
  });
}

/** A socket error as the Node HTTP handler raises it. */
export function socketError(code: string): Error {
  return Object.assign(new Error(code === 'ECONNRESET' ? 'socket hang up' : `connect ${code}`), { code });
}
