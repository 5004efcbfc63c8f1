import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { seededRandom, zipfSampler } from './random';

/** The shape of the generated stream; the defaults are what `npm run bench` measures. */
export interface WorkloadOptions {
  /** Kinesis records in all, producer retries and bad records included. */
  readonly records: number;
  /** Records per Lambda invocation (the event source mapping's default batch size). */
  readonly batchSize: number;
  /** Distinct values of `key`, drawn Zipf-distributed. */
  readonly keys: number;
  readonly zipfExponent: number;
  /** Every event (producer retries aside) a key never seen before: `keys` and `zipfExponent` are then unused. @default false */
  readonly uniqueKeys?: boolean;
  /**
   * Events carry what the declared measures of the bench read (MEASURED_DECLARATION):
   * `attrs.user` (20,000 users, Zipf s = 1), `attrs.country` (40, Zipf s = 1.2) and a
   * lognormal latency in ms as `value` (median 80, three decimals). Draws come from a
   * second generator, so the keys, types and ids are those of the same workload without.
   * @default false
   */
  readonly measureAttrs?: boolean;
  /** Share of records that re-send an earlier event unchanged (a producer retry, same `id`). */
  readonly producerRetryRate: number;
  /** Share of records that break docs/contract.md §1 (a `ts` that is not a time). */
  readonly invalidRate: number;
  /** Event time of the first event, epoch ms. */
  readonly startMs: number;
  /** Event time advances this much per record: 100,000 records span 5 minutes. */
  readonly spacingMs: number;
  readonly seed: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  records: 100_000,
  batchSize: 500,
  keys: 1_000,
  zipfExponent: 1,
  producerRetryRate: 0.002,
  invalidRate: 0.0005,
  startMs: Date.parse('2026-11-26T12:00:00.000Z'),
  spacingMs: 3,
  seed: 20261126,
};

/** The generated stream, as Lambda would hand it to the consumer. */
export interface Workload {
  readonly options: WorkloadOptions;
  /** One Lambda event per batch, records in sequence order, `kinesis.data` base64. */
  readonly batches: readonly KinesisStreamEvent[];
  readonly records: number;
  readonly producerRetries: number;
  readonly invalidRecords: number;
  readonly meanPayloadBytes: number;
  /** The event types, most frequent first. */
  readonly types: readonly string[];
  readonly shardId: string;
  /** Latest arrival time in the stream: the clock the consumer runs at. */
  readonly lastArrivalMs: number;
}

const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/streamtally-bench';
/** A 56-digit sequence number, as Kinesis issues them. */
const FIRST_SEQUENCE = 49_658_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** Event types and their shares of the traffic; `value` is what a producer would send for each. */
const TYPES: readonly { type: string; share: number; value: (random: () => number) => number }[] = [
  { type: 'page_view', share: 0.55, value: () => 1 },
  { type: 'search', share: 0.25, value: () => 1 },
  { type: 'add_to_cart', share: 0.15, value: (random) => 1 + Math.floor(random() * 3) },
  { type: 'purchase', share: 0.05, value: (random) => Math.round((5 + random() * 195) * 100) / 100 },
];
const USER_AGENTS = ['web', 'ios', 'android'] as const;

/**
 * Generates a single-shard stream of ~150-byte JSON events: ids unique
 * except for producer retries, a few event types, keys Zipf-distributed,
 * event times a little before their arrival times (so nothing is late or in
 * the future), and increasing sequence numbers.
 */
export function generateWorkload(options: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const random = seededRandom(options.seed);
  const drawKey = zipfSampler(options.keys, options.zipfExponent, random);
  const keyNames = Array.from({ length: options.keys }, (_, rank) => `/catalog/item-${String(rank).padStart(4, '0')}`);
  const recent: string[] = [];
  const measureRandom = seededRandom(options.seed ^ 0x5eed);
  const drawUser = zipfSampler(MEASURE_USERS, 1, measureRandom);
  const drawCountry = zipfSampler(MEASURE_COUNTRIES, 1.2, measureRandom);
  const records: KinesisStreamRecord[] = [];
  let payloadBytes = 0;
  let producerRetries = 0;
  let invalidRecords = 0;
  let lastArrivalMs = options.startMs;

  for (let i = 0; i < options.records; i++) {
    const arrivalMs = options.startMs + i * options.spacingMs + 250;
    const draw = random();
    let payload: string;
    let partitionKey: string;
    if (draw < options.producerRetryRate && recent.length > 0) {
      payload = recent[Math.floor(random() * recent.length)]!;
      partitionKey = (JSON.parse(payload) as { key: string }).key;
      producerRetries++;
    } else {
      const key = options.uniqueKeys ? `/catalog/new-${String(i).padStart(7, '0')}` : keyNames[drawKey()]!;
      const kind = pickType(random());
      // Events reach Kinesis 0.25-1.75 s after they happen.
      const tsMs = arrivalMs - 250 - Math.floor(random() * 1_500);
      const invalid = draw > 1 - options.invalidRate;
      const event = {
        id: uuid(random),
        type: kind.type,
        key,
        ts: invalid ? 'yesterday' : new Date(tsMs).toISOString(),
        value: kind.value(random),
        attrs: { ua: USER_AGENTS[Math.floor(random() * USER_AGENTS.length)] } as Record<string, string>,
      };
      if (options.measureAttrs) {
        event.value = lognormalLatencyMs(measureRandom);
        event.attrs.user = `user-${drawUser()}`;
        event.attrs.country = `c${drawCountry()}`;
      }
      payload = JSON.stringify(event);
      partitionKey = key;
      if (invalid) invalidRecords++;
      recent.push(payload);
      if (recent.length > 50) recent.shift();
    }
    const data = Buffer.from(payload, 'utf8');
    payloadBytes += data.length;
    const sequenceNumber = (FIRST_SEQUENCE + BigInt(i) * 7n).toString();
    records.push({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber,
        data: data.toString('base64'),
        approximateArrivalTimestamp: arrivalMs / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD_ID}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/streamtally-bench',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
    });
    lastArrivalMs = arrivalMs;
  }

  const batches: KinesisStreamEvent[] = [];
  for (let start = 0; start < records.length; start += options.batchSize) {
    batches.push({ Records: records.slice(start, start + options.batchSize) });
  }
  return {
    options,
    batches,
    records: records.length,
    producerRetries,
    invalidRecords,
    meanPayloadBytes: payloadBytes / records.length,
    types: TYPES.map((entry) => entry.type),
    shardId: SHARD_ID,
    lastArrivalMs,
  };
}

const MEASURE_USERS = 20_000;
const MEASURE_COUNTRIES = 40;

/** A latency-like value: lognormal, median 80 ms, a long tail; three decimals. */
function lognormalLatencyMs(random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.exp(Math.log(80) + 0.9 * normal) * 1000) / 1000;
}

function pickType(draw: number): (typeof TYPES)[number] {
  let cumulative = 0;
  for (const entry of TYPES) {
    cumulative += entry.share;
    if (draw < cumulative) return entry;
  }
  return TYPES[TYPES.length - 1]!;
}

/** A version-4-shaped UUID from the seeded generator (crypto.randomUUID cannot be seeded). */
function uuid(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(random() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
