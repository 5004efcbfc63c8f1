import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { configFromEnv, type AggregatorConfig } from '../../lambdas/aggregator/config';
import { createBatchPorts } from '../../lambdas/aggregator/store/createBatchPorts';
import { streamtallyCoreContender } from '../contenders/streamtallyCore';
import { countCall, type CallCounts } from '../memory/CallCounts';
import type { MemoryPorts } from '../memory/memoryPorts';
import { measureCpu, type CpuMeasureOptions, type CpuResult } from '../measureCpu';
import { DEFAULT_WORKLOAD, generateWorkload } from '../workload';
import { MEASURED_DECLARATION_TEXT, measuredEnv } from './declaration';

/** The CPU the declared measures add to the consumer, on the same events. */
export interface MeasuresCpuResult {
  readonly records: number;
  readonly declaration: string;
  readonly contenders: readonly CpuResult[];
  /** Median events/s with nothing declared ÷ with the measures declared: how much slower they make the consumer. */
  readonly slowdown: number;
  /** CPU microseconds per event the measures add (from the medians: 1e6/declared − 1e6/plain). */
  readonly addedMicrosecondsPerEvent: number;
}

/**
 * A client whose `send` answers every command at once with an empty response,
 * counting commands by name: the real adapters' own CPU (keys, attribute maps,
 * sketches, bins) with the SDK and I/O left out, as contender b* of the core
 * section. With empty answers every conditional write succeeds, no item is ever
 * found and every dimension value is admitted.
 */
function answeringClient<Client>(counts: CallCounts): Client {
  return {
    send: async (command: object) => {
      countCall(counts, command.constructor.name);
      return {};
    },
  } as Client;
}

/** The ports the Lambda handler builds (createBatchPorts), over answering clients. */
function answeringBatchPorts(config: AggregatorConfig): MemoryPorts {
  const dynamo: CallCounts = {};
  const s3: CallCounts = {};
  const ports = createBatchPorts({ dynamo: answeringClient<DynamoDBClient>(dynamo), s3: answeringClient<S3Client>(s3) }, config, {
    aggregatesTable: 'aggregates',
    checkpointTable: 'checkpoints',
    quarantineBucket: 'quarantine',
  });
  return {
    ports,
    // Every DynamoDB write, as the contender's storeWrites.
    calls: () => ({
      aggregates: { apply: (dynamo.UpdateItemCommand ?? 0) + (dynamo.PutItemCommand ?? 0) },
      checkpoints: {},
      quarantine: { put: s3.PutObjectCommand ?? 0 },
      claims: {},
    }),
  };
}

/**
 * Runs the consumer (streamRecordsFromEvent + processBatch + the real adapters
 * over answering clients) over the bench's workload with users, countries and
 * latencies in its events, with nothing declared and with the measures of
 * bench/measures/declaration.ts, interleaved round by round as the core
 * section's contenders are.
 */
export async function measureMeasuresCpu(options: CpuMeasureOptions): Promise<MeasuresCpuResult> {
  const workload = generateWorkload({ ...DEFAULT_WORKLOAD, measureAttrs: true });
  const nowMs = workload.lastArrivalMs + 1_000;
  const env = { CONSUMER_NAME: 'bench', AGGREGATES_TABLE: 'unused', CHECKPOINT_TABLE: 'unused', QUARANTINE_BUCKET: 'unused' };
  const plain = configFromEnv(env).config;
  const declared = configFromEnv({ ...env, ...measuredEnv() }).config;
  const contenders = [
    streamtallyCoreContender({
      id: 'measuresPlain',
      label: 'm0. consumer + real adapters over answering clients, events with users/countries/latencies, nothing declared',
      config: plain,
      nowMs,
      ports: () => answeringBatchPorts(plain),
    }),
    streamtallyCoreContender({
      id: 'measuresDeclared',
      label: `m1. the same, measures declared (${MEASURED_DECLARATION_TEXT})`,
      config: declared,
      nowMs,
      ports: () => answeringBatchPorts(declared),
    }),
  ];
  const results = await measureCpu(contenders, workload.batches, options);
  const rate = (id: string) => results.find((result) => result.id === id)!.medianEventsPerSecond;
  return {
    records: workload.records,
    declaration: MEASURED_DECLARATION_TEXT,
    contenders: results,
    slowdown: rate('measuresPlain') / rate('measuresDeclared'),
    addedMicrosecondsPerEvent: 1e6 / rate('measuresDeclared') - 1e6 / rate('measuresPlain'),
  };
}
