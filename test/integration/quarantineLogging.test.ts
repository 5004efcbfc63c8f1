import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { tablesFromTemplate } from '../../src/local/template/tablesFromTemplate';
import { dynamoClient, s3Client } from '../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../support/synthesizedTemplate';
import { listQuarantined } from './support/readBack';

// Quarantined payloads are never written to logs: the handler runs on poison records whose
// bytes carry a secret marker, with everything it prints captured, at the most verbose log
// level. The marker must reach the quarantine bucket and nowhere in the output.

const BUCKET = 'logging-quarantine';
const T = Date.parse('2026-11-26T12:34:00.000Z');
const ARRIVAL_MS = T + 30_000;
const SHARD = 'shardId-000000000000';

type Handler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** A Kinesis record as Lambda's event source mapping shapes it, from raw bytes. */
function kinesisRecord(sequenceNumber: string, data: Buffer, partitionKey: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: data.toString('base64'),
      approximateArrivalTimestamp: ARRIVAL_MS / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${SHARD}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/aggregator',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
  };
}

const json = (value: object) => Buffer.from(JSON.stringify(value));

/** The poison records of one run, each carrying `marker`, with the reason each must be quarantined for. */
function poisonRecords(marker: string, firstSequence: number) {
  const event = (fields: object) => ({ id: `id-${marker}`, type: 'page_view', key: `/k/${marker}`, attrs: { note: marker }, ...fields });
  const cases: { name: string; data: Buffer; reason: 'invalid' | 'late' | 'future'; message: RegExp }[] = [
    // V8 quotes the start of the text in its error, so the marker is in the quarantined message too.
    { name: 'not JSON', data: Buffer.from(`${marker} {"id":`), reason: 'invalid', message: /^not JSON: / },
    { name: 'truncated JSON', data: Buffer.from(`{"id":"${marker}","key":"${marker}`), reason: 'invalid', message: /^not JSON: / },
    {
      name: 'an invalid type, quoted back',
      data: json(event({ type: `${marker}!`, ts: T })),
      reason: 'invalid',
      message: /^field "type": /,
    },
    { name: 'an invalid ts, quoted back', data: json(event({ ts: marker.slice(0, 30) })), reason: 'invalid', message: /^field "ts": / },
    {
      name: 'a control character in key',
      data: json(event({ key: `${marker}\u0007`, ts: T })),
      reason: 'invalid',
      message: /^field "key": /,
    },
    {
      name: 'a record over 1 MiB',
      data: json(event({ ts: T, attrs: { pad: `${marker}${'x'.repeat(1_048_576)}` } })),
      reason: 'invalid',
      message: /^record is \d+ bytes; the limit is 1048576$/,
    },
    {
      name: 'invalid UTF-8',
      data: Buffer.concat([Buffer.from(`{"id":"${marker}","key":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`${marker}"}`)]),
      reason: 'invalid',
      message: /^not valid UTF-8$/,
    },
    { name: 'a late event', data: json(event({ ts: T - 2 * 3_600_000 })), reason: 'late', message: /before the shard's watermark/ },
    {
      name: 'a future event',
      data: json(event({ ts: ARRIVAL_MS + 3_600_000 })),
      reason: 'future',
      message: /after the record's arrival time/,
    },
  ];
  return cases.map((c, i) => ({ ...c, sequenceNumber: String(firstSequence + i) }));
}

/** Runs `act` with everything written to stdout, stderr and the console captured instead of printed. */
async function capturingOutput<R>(act: () => Promise<R>): Promise<{ result: R; output: string }> {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void chunks.push(format(...args))),
    ),
  ];
  try {
    const result = await act();
    return { result, output: chunks.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Forms of a payload that would show it leaked: the marker, and the base64 the event carries. */
function expectNotIn(output: string, marker: string, records: readonly KinesisStreamRecord[]): void {
  expect(output).not.toContain(marker);
  // A JSON-escaped or base64 copy would hide the marker from the check above.
  expect(output).not.toContain(JSON.stringify(marker).slice(1, -1));
  for (const record of records) expect(output).not.toContain(record.kinesis.data.slice(0, 40));
}

describe('quarantined payloads never reach the logs (handler against dynalite and s3rver)', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const s3 = s3Client(inject('s3Endpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-logging-${process.pid}`);
  const aggregatesTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!.input.TableName!;
  const checkpointTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!.input.TableName!;

  /** A fresh handler module (its clients and config are built at import) writing quarantine to `bucket`. */
  async function loadHandler(bucket: string): Promise<Handler> {
    vi.resetModules();
    vi.stubEnv('QUARANTINE_BUCKET', bucket);
    return (await import('../../lambdas/aggregator/handler')).handler;
  }

  beforeAll(async () => {
    await Promise.all(tables.map((table) => dynamo.send(new CreateTableCommand(table.input))));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    vi.stubEnv('AGGREGATES_TABLE', aggregatesTable);
    vi.stubEnv('CHECKPOINT_TABLE', checkpointTable);
    vi.stubEnv('CONSUMER_NAME', 'aggregator');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
    vi.stubEnv('AWS_ENDPOINT_URL_S3', inject('s3Endpoint'));
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'streamtally');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'aggregator');
    // The most the logger would ever print.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('quarantines every kind of poison record with its payload, and prints none of it', async () => {
    // Prepare: an on-time event sets the watermark the late one is judged by; then the poison.
    const marker = `SECRET-${randomUUID()}`;
    const handler = await loadHandler(BUCKET);
    const poison = poisonRecords(marker, 101);
    const records = [
      kinesisRecord('100', json({ id: 'on-time', type: 'page_view', key: '/ok', ts: T }), '/ok'),
      ...poison.map((p) => kinesisRecord(p.sequenceNumber, p.data, `pk-${marker}`)),
    ];

    // Act
    const { result, output } = await capturingOutput(() => handler({ Records: records }));

    // Assess: all applied, metrics printed (so the capture works), no trace of the marker.
    expect(result).toEqual({ batchItemFailures: [] });
    expect(output).toContain('"RecordsQuarantined":9');
    expectNotIn(output, marker, records);

    const quarantined = await listQuarantined(s3, BUCKET, 'quarantine/aggregator/');
    for (const p of poison) {
      const document = quarantined.get(p.sequenceNumber);
      expect(document, p.name).toBeDefined();
      expect(document!.reason, p.name).toBe(p.reason);
      expect(document!.message, p.name).toMatch(p.message);
      expect(Buffer.from(document!.data, 'base64').equals(p.data), p.name).toBe(true);
      expect(document!.partitionKey).toBe(`pk-${marker}`);
    }
    // Messages that quote the record back stay in the quarantine, where they belong.
    expect(quarantined.get(poison[0]!.sequenceNumber)!.message).toContain(marker.slice(0, 10));
  });

  it('logs the failed quarantine write without the payload when the bucket is gone', async () => {
    // Prepare: a quarantine bucket that does not exist, so storing the poison fails and is logged.
    const marker = `SECRET-${randomUUID()}`;
    const handler = await loadHandler(`missing-bucket-${process.pid}`);
    const poison = poisonRecords(marker, 501);
    const records = poison.map((p) => kinesisRecord(p.sequenceNumber, p.data, `pk-${marker}`));

    // Act
    const { result, output } = await capturingOutput(() => handler({ Records: records }));

    // Assess: the batch is retried from the first record and the error logged, without the marker.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '501' }]);
    expect(output).toMatch(/"level":"ERROR".*write failed/);
    expect(output).toMatch(/NoSuchBucket/);
    expectNotIn(output, marker, records);
  });
});
