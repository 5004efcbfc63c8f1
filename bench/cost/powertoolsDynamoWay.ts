import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { ContractEventSchema } from '../contenders/contractEventSchema';

const GRANULARITIES = [
  { label: '1m', sizeMs: 60_000 },
  { label: '1h', sizeMs: 3_600_000 },
  { label: '1d', sizeMs: 86_400_000 },
] as const;

/** What the Powertools way did with one run's batches. */
export interface PowertoolsDynamoRun {
  readonly records: number;
  readonly counted: number;
  /** Records the handler rejected (bad input), reported as batch item failures. */
  readonly rejected: number;
  readonly idempotencyTable: string;
  readonly countersTable: string;
}

/**
 * The Powertools docs' way for Kinesis, against real DynamoDB tables: a
 * BatchProcessor whose record handler is wrapped by `makeIdempotent` with the
 * DynamoDB persistence layer (a conditional put of an INPROGRESS record, then
 * an update to COMPLETED, per event; the idempotency key is the event's `id`),
 * and one `UpdateItem ADD count, sum` per granularity per event. `client` is
 * the metered client, so its requests are priced like streamtally's.
 */
export async function runPowertoolsDynamoWay(
  client: DynamoDBClient,
  batches: readonly KinesisStreamEvent[],
  suffix: string,
): Promise<PowertoolsDynamoRun> {
  const idempotencyTable = `powertools-idempotency-${suffix}`;
  const countersTable = `powertools-counters-${suffix}`;
  await client.send(
    new CreateTableCommand({
      TableName: idempotencyTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: countersTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );

  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: client });
  // The docs' Kinesis example keys on the payload; a producer retry re-sends the same event id, so key on it.
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(powertools_base64(kinesis.data)).id' });
  let counted = 0;
  const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
    const event = ContractEventSchema.parse(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')));
    const tsMs = typeof event.ts === 'number' ? event.ts : Date.parse(event.ts);
    for (const granularity of GRANULARITIES) {
      const windowStartMs = Math.floor(tsMs / granularity.sizeMs) * granularity.sizeMs;
      await client.send(
        new UpdateItemCommand({
          TableName: countersTable,
          Key: { pk: { S: `${event.type}#${event.key}` }, sk: { S: `${granularity.label}#${windowStartMs}` } },
          UpdateExpression: 'ADD #count :one, #sum :value',
          ExpressionAttributeNames: { '#count': 'count', '#sum': 'sum' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':value': { N: String(event.value) } },
        }),
      );
    }
    counted++;
  };
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const handle = makeIdempotent(recordHandler, { persistenceStore, config });
  const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
  let records = 0;
  let rejected = 0;
  for (const batch of batches) {
    config.registerLambdaContext(context);
    const response = await processPartialResponse(batch, handle, processor, { context });
    records += batch.Records.length;
    rejected += response.batchItemFailures.length;
  }
  return { records, counted, rejected, idempotencyTable, countersTable };
}
