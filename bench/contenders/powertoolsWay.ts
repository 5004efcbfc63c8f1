import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parse } from '@aws-lambda-powertools/parser';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import { KinesisDataStreamRecord, KinesisDataStreamRecordPayload } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { z } from 'zod';
import { ClaimOutcome } from '../../lambdas/aggregator/store/ports';
import { MemoryClaimStore } from '../memory/MemoryClaimStore';
import { MemoryCounterTable } from '../memory/MemoryCounterTable';
import { betweenInvocations } from './betweenInvocations';
import type { Contender, ContenderRun } from './Contender';
import { ContractEventSchema } from './contractEventSchema';

/** How `kinesis.data` becomes the event before the contract schema checks it. */
export const DataDecoding = {
  /** Powertools' `Base64Encoded` helper, as KinesisEnvelope and the Kinesis schemas use it (it first tries to gunzip every payload). */
  powertools: 'powertools',
  /** A plain `z.string().transform(base64 → JSON.parse)`: the same checks without the gunzip attempt. */
  plain: 'plain',
} as const;
export type DataDecoding = (typeof DataDecoding)[keyof typeof DataDecoding];

/** The Kinesis record schema with the event inside `kinesis.data`, built once per contender, never per record. */
function eventRecordSchema(decoding: DataDecoding) {
  const data = decoding === DataDecoding.powertools ? Base64Encoded(ContractEventSchema) : plainBase64Json(ContractEventSchema);
  return KinesisDataStreamRecord.extend({ kinesis: KinesisDataStreamRecordPayload.extend({ data }) });
}

function plainBase64Json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((data, context) => {
      try {
        return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown;
      } catch (error) {
        context.addIssue({ code: 'custom', message: `Invalid JSON - ${(error as Error).message}`, fatal: true });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const GRANULARITIES = [
  { label: '1m', sizeMs: 60_000 },
  { label: '1h', sizeMs: 3_600_000 },
  { label: '1d', sizeMs: 86_400_000 },
] as const;
const DEDUP_RETENTION_SEC = 7 * 86_400;

/**
 * The per-record way the Powertools docs show for Kinesis: a BatchProcessor
 * (KinesisDataStreams) and processPartialResponse, a record handler that
 * parses the record with @aws-lambda-powertools/parser, then makes it
 * idempotent by claiming its id (a conditional put) and adds it to each
 * granularity's item: 1 + 3 writes per event, no pre-aggregation.
 */
export function powertoolsWayContender(decoding: DataDecoding = DataDecoding.powertools): Contender {
  const EventRecordSchema = eventRecordSchema(decoding);
  // One processor for every invocation, as the docs create it at module scope.
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  return {
    id: decoding === DataDecoding.powertools ? 'powertools' : 'powertoolsPlainBase64',
    label:
      decoding === DataDecoding.powertools
        ? 'c. Powertools way: BatchProcessor + parser, per-record idempotent writes'
        : "c'. the same, kinesis.data decoded by a plain zod transform (no gunzip attempt)",
    diagnostic: decoding !== DataDecoding.powertools,
    async run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun> {
      const claims = new MemoryClaimStore();
      const table = new MemoryCounterTable();
      let counted = 0;
      let duplicates = 0;
      const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
        const parsed = parse(record, undefined, EventRecordSchema);
        const event = parsed.kinesis.data;
        const expiresAtSec = Math.ceil(parsed.kinesis.approximateArrivalTimestamp) + DEDUP_RETENTION_SEC;
        if ((await claims.claim(event.id, parsed.eventID, expiresAtSec)) === ClaimOutcome.taken) {
          duplicates++;
          return;
        }
        const tsMs = typeof event.ts === 'number' ? event.ts : Date.parse(event.ts);
        for (const granularity of GRANULARITIES) {
          const windowStartMs = Math.floor(tsMs / granularity.sizeMs) * granularity.sizeMs;
          await table.add(event.type, granularity.label, event.key, windowStartMs, event.value);
        }
        counted++;
      };
      let records = 0;
      let rejected = 0;
      for (const batch of batches) {
        await betweenInvocations();
        const response = await processPartialResponse(batch, recordHandler, processor);
        records += batch.Records.length;
        rejected += response.batchItemFailures.length;
      }
      const storeWrites = (claims.calls.claim ?? 0) + (table.calls.add ?? 0);
      return { records, counted, duplicates, rejected, storeWrites };
    },
  };
}
