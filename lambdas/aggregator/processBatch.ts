import {
  buildItemDeltas,
  decodeRecord,
  splitFirstOccurrences,
  padSequenceNumber,
  QuarantineReason,
  type StreamEvent,
  type StreamRecord,
  judgeLateness,
  deriveCellEvents,
  deltaSketches,
  utcDay,
  NO_MEASURES,
  type AdmittedLookup,
  type HyperLogLog,
  type ItemDelta,
  type MeasuresConfig,
} from '../../core';
import { decideDimensionBuckets } from './decideDimensionBuckets';
import { alertReadings, type AlertReading, type PreviousWindowReader } from './alerts/alertReadings';
import { deaggregateRecord, subSequencePaddedSequence } from './kpl/deaggregateRecord';
import type { AggregatorConfig } from './config';
import { mapWithConcurrency, settleWithConcurrency } from '../shared/mapWithConcurrency';
import {
  ClaimOutcome,
  type AggregateState,
  type AggregateStore,
  type Checkpoint,
  type CheckpointStore,
  type ClaimStore,
  type DimensionRegistry,
  type DistinctSketchStore,
  type QuarantineSink,
  type SeenIdLedger,
  type TopKeysOffer,
  type TopKeysStore,
} from './store/ports';

/**
 * Where processBatch writes. Producer-id dedup uses `seenIds` with one batch
 * at a time per shard, and `claims` (one per event) with concurrent batches or
 * where no ledger is given; neither when dedup is off. `topKeys` is absent
 * where no leaderboards are kept (a replay's shadow table). `dimensions` is
 * needed when the measures declare dimensions, `distinct` when they declare
 * distinct counts (docs/measures.md).
 */
export interface BatchPorts {
  readonly aggregates: AggregateStore;
  readonly checkpoints: CheckpointStore;
  readonly quarantine: QuarantineSink;
  readonly claims?: ClaimStore;
  readonly seenIds?: SeenIdLedger;
  readonly topKeys?: TopKeysStore;
  readonly dimensions?: DimensionRegistry;
  readonly distinct?: DistinctSketchStore;
  /** Where `risesOver` data alerts read the previous window; without it they publish nothing. */
  readonly previousWindows?: PreviousWindowReader;
}

/** What one batch did, for metrics and for Lambda's partial-batch response. */
export interface BatchOutcome {
  /**
   * Sequence number (as Kinesis shows it) of the first record that is not
   * fully applied, per shard. Lambda re-delivers from there; everything
   * before it is final.
   */
  readonly failedFrom: ReadonlyMap<string, string>;
  readonly stats: BatchStats;
  /** Errors behind `failedFrom`, for logging. */
  readonly errors: readonly unknown[];
  /**
   * The data alerts' values after this batch (docs/measures.md), for the
   * handler to publish as DATA_ALERT_METRIC: one per alert whose cell it wrote.
   */
  readonly dataAlerts: readonly AlertReading[];
  /** Errors reading what the alerts compare with; they change no aggregate and fail nothing. */
  readonly alertErrors: readonly unknown[];
}

/** Counts over the records whose outcome is final in this invocation. */
export interface BatchStats {
  records: number;
  aggregated: number;
  duplicates: number;
  quarantined: Record<QuarantineReason, number>;
  itemsWritten: number;
  /** Largest (commit time − event time) among aggregated events, ms. */
  maxEventAgeMs: number | undefined;
  /** Largest (commit time − Kinesis arrival time) among aggregated events, ms. */
  maxArrivalAgeMs: number | undefined;
}

type Verdict =
  | { kind: 'count' }
  | { kind: 'duplicate' }
  | { kind: 'quarantine'; reason: QuarantineReason; message: string }
  | { kind: 'retry'; error: unknown };

// Verdicts are replaced, never changed, so the common ones can be shared.
const COUNT: Verdict = { kind: 'count' };
const DUPLICATE: Verdict = { kind: 'duplicate' };

/**
 * One event to judge: a Kinesis record, or one user record of a KPL-aggregated
 * Kinesis record (then `record` carries the user record's partition key and
 * data, and `subSequenceNumber` its place in the aggregate).
 */
interface Entry {
  readonly record: StreamRecord;
  /**
   * The entry's identity in high-water marks and claims: the padded sequence
   * number, with `.<sub-sequence number>` for a user record of an aggregate.
   */
  readonly paddedSequence: string;
  /** The Kinesis record's padded sequence number: what checkpoints and the seen-id ledger name. */
  readonly recordPaddedSequence: string;
  readonly subSequenceNumber: number | undefined;
  /** `record.arrivalMs`, here too so that an entry is a lateness input as it is. */
  readonly arrivalMs: number;
  readonly event: StreamEvent | undefined;
  verdict: Verdict;
}

/** An entry whose record decoded to an event. */
type CountedEntry = Entry & { readonly event: StreamEvent };

/**
 * Applies one Lambda batch with an exactly-once effect under at-least-once
 * delivery. The rules that make this safe without transactions:
 *
 * - every write is idempotent on its own: a producer-id claim names the record
 *   that owns it, an aggregate item keeps a high-water mark per shard and takes
 *   only contributions above it, a quarantined record is stored under its
 *   shard and sequence number;
 * - for each item, the contributions applied from a shard are always a prefix
 *   of that shard's contributions in sequence order, because nothing at or
 *   after the first failure is applied on claim errors, an item's whole delta
 *   is one atomic write, and Lambda re-delivers everything from the reported
 *   failure on;
 * - a record's verdict never changes between attempts: with one batch per
 *   shard at a time, lateness is judged against the watermark of the shard's
 *   records before it, and records up to the checkpoint are skipped; with
 *   concurrent batches (parallelization factor above 1), a record counted
 *   on an earlier attempt is recognised by its producer-id claim;
 * - declared measures keep these rules (docs/measures.md): dimension and
 *   total cells are ordinary items fed by the same entries (same sequence
 *   numbers), a dimension bucket is a registry decision that never changes
 *   once made (an undecided one makes its entry a retry), quantile bins are
 *   added under the count's mark, and distinct-count sketches merge
 *   idempotently, so they need no mark.
 */
export async function processBatch(
  records: readonly StreamRecord[],
  ports: BatchPorts,
  config: AggregatorConfig,
  now: () => number,
): Promise<BatchOutcome> {
  const failedFrom = new Map<string, string>();
  const errors: unknown[] = [];
  const stats = emptyStats();
  const dataAlerts: AlertReading[] = [];
  const alertErrors: unknown[] = [];
  for (const [shardId, shardRecords] of groupByShard(records)) {
    const failure = await processShard(shardId, shardRecords, ports, config, now, stats, (readings, readErrors) => {
      dataAlerts.push(...readings);
      alertErrors.push(...readErrors);
    });
    if (failure) {
      failedFrom.set(shardId, failure.sequenceNumber);
      errors.push(...failure.errors);
    }
  }
  return { failedFrom, stats, errors, dataAlerts, alertErrors };
}

async function processShard(
  shardId: string,
  records: readonly StreamRecord[],
  ports: BatchPorts,
  config: AggregatorConfig,
  now: () => number,
  stats: BatchStats,
  onAlertReadings: (readings: readonly AlertReading[], errors: readonly unknown[]) => void,
): Promise<{ sequenceNumber: string; errors: unknown[] } | undefined> {
  const concurrent = config.parallelizationFactor > 1;
  const checkpoint = await ports.checkpoints.read(shardId);
  let entries = records.flatMap((record) => decodeEntries(record, config));
  // Kinesis delivers a shard's records in order: check that in one pass
  // rather than sort (the sort is stable, so sorted input stays as it is).
  if (!isSortedBySequence(entries)) entries.sort(bySequence);
  // One batch at a time per shard: everything up to the checkpoint is final
  // (it is written after all else), so a re-delivery of it changes nothing.
  // The entries are sorted, so those to skip come first.
  if (!concurrent && checkpoint) {
    const skip = entries.findIndex((entry) => entry.recordPaddedSequence > checkpoint.paddedSequence);
    if (skip !== 0) entries = skip === -1 ? [] : entries.slice(skip);
  }
  if (entries.length === 0) return undefined;

  // Entries carry `event` and `arrivalMs`: they are the lateness inputs.
  const lateness = judgeLateness(entries, checkpoint?.watermarkMs, config, !concurrent);
  const verdicts = lateness.verdicts;
  for (let i = 0; i < entries.length; i++) {
    const verdict = verdicts[i];
    if (verdict && verdict.kind !== 'valid') entries[i]!.verdict = { kind: 'quarantine', reason: verdict.kind, message: verdict.message };
  }
  if (concurrent) await recogniseEarlierCounts(shardId, entries, ports, config);
  const ledger = concurrent ? undefined : ports.seenIds;
  if (ledger) await dropSeenIds(shardId, entries, ledger, checkpoint);
  else await settleDuplicates(shardId, entries, ports.claims, config);
  const measures = config.measures ?? NO_MEASURES;
  const admitted = await decideBuckets(entries, ports, config, measures);

  // Nothing at or after the first undecided record may be applied, or an item
  // could take a later contribution before an earlier one.
  let firstUndecided = -1;
  const counted: CountedEntry[] = [];
  const quarantined: Entry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const kind = entry.verdict.kind;
    if (kind === 'count') counted.push(entry as CountedEntry);
    else if (kind === 'quarantine') quarantined.push(entry);
    else if (kind === 'retry') {
      firstUndecided = i;
      break;
    }
  }

  // Counted entries have an event and a padded sequence number: they are what buildItemDeltas takes.
  const deltas = buildItemDeltas(shardId, counted, config.granularities, true);
  // Dimension and total cells take the same events (same sequence numbers),
  // so they are applied, and retried, by the same rules as any cell.
  const derived = deriveCellEvents(counted, measures, admitted);
  // A derived cell takes many partition keys, so concurrent lanes of a shard would break its high-water mark (config.ts refuses this).
  if (concurrent && derived.length > 0)
    throw new Error('dimensions and totals need one batch at a time per shard (parallelization factor 1)');
  if (derived.length > 0) for (const delta of buildItemDeltas(shardId, derived, config.granularities, true)) deltas.push(delta);
  const countsAfter: (number | undefined)[] = new Array(deltas.length);
  // The items' states after the write, kept only for data alerts to read.
  const statesAfter: (AggregateState | undefined)[] | undefined = measures.alerts.length > 0 ? new Array(deltas.length) : undefined;
  const onApplied = (_delta: ItemDelta, result: number | AggregateState | undefined | void, index: number): void => {
    if (typeof result === 'object') {
      // A page cell is ranked from its page by readers: no leaderboard offer.
      countsAfter[index] = result.onPage ? undefined : result.count;
      if (statesAfter !== undefined) statesAfter[index] = result;
    } else countsAfter[index] = result ?? undefined;
  };
  const aggregates = ports.aggregates;
  const applyFailures = aggregates.applyMany
    ? await aggregates.applyMany(deltas, config.writeConcurrency, onApplied)
    : await settleWithConcurrency(deltas, config.writeConcurrency, (delta) => aggregates.apply(delta), onApplied);
  // Distinct-count sketches: merging is idempotent, so a failure is retried
  // like an item's, from the delta's first record (the rest merge again to the same bytes).
  const sketches = deltaSketches(deltas, measures);
  const merged: (HyperLogLog | undefined)[] = new Array(sketches.length);
  if (sketches.length > 0 && ports.distinct === undefined) throw new Error('declared distinct counts need a distinct sketch port');
  const sketchFailures = await settleWithConcurrency(
    sketches,
    config.writeConcurrency,
    (task) => ports.distinct!.merge(deltas[task.deltaIndex]!.address, task.field, task.precision, task.updates),
    (_task, sketch, index) => (merged[index] = sketch),
  );
  // After the items, so that each board sees the counts they now hold; before
  // the checkpoint, so that a count not yet offered is offered on the retry.
  const offers = ports.topKeys ? topKeysOffers(deltas, countsAfter) : [];
  const offerFailures = await settleWithConcurrency(offers, config.writeConcurrency, (offer) => ports.topKeys!.offer(offer.offer));
  const storeFailures = await settleWithConcurrency(quarantined, config.writeConcurrency, (entry) => {
    const verdict = entry.verdict as Extract<Verdict, { kind: 'quarantine' }>;
    return ports.quarantine.put({
      reason: verdict.reason,
      message: verdict.message,
      shardId,
      sequenceNumber: entry.record.sequenceNumber,
      ...(entry.subSequenceNumber !== undefined ? { subSequenceNumber: entry.subSequenceNumber } : {}),
      partitionKey: entry.record.partitionKey,
      arrivalMs: entry.record.arrivalMs,
      data: entry.record.data,
    });
  });

  // After the writes: each alert's cell as the batch left it. Reading for
  // alerts never fails the batch; it only informs a metric.
  if (statesAfter !== undefined) {
    const estimateIndex = new Map<string, number>();
    for (let i = 0; i < sketches.length; i++) estimateIndex.set(`${sketches[i]!.deltaIndex}\u0000${sketches[i]!.field}`, i);
    const { readings, errors: readErrors } = await alertReadings(
      measures.alerts,
      {
        deltas,
        states: statesAfter,
        estimate: (deltaIndex, field) => {
          const index = estimateIndex.get(`${deltaIndex}\u0000${field}`);
          // Estimated only for a cell an alert watches: it reads every register.
          return index === undefined ? undefined : merged[index]?.estimate();
        },
      },
      ports.previousWindows,
    );
    onAlertReadings(readings, readErrors);
  }

  // The batch is final up to the lowest record that still needs a retry.
  let finalCount = entries.length;
  let failures: { paddedSequence: string; error: unknown }[] | undefined;
  if (
    firstUndecided !== -1 ||
    applyFailures !== undefined ||
    sketchFailures !== undefined ||
    storeFailures !== undefined ||
    offerFailures !== undefined
  ) {
    failures = [];
    if (firstUndecided !== -1) {
      const entry = entries[firstUndecided]!;
      failures.push({ paddedSequence: entry.paddedSequence, error: (entry.verdict as { error: unknown }).error });
    }
    for (const { index, error } of applyFailures ?? [])
      failures.push({ paddedSequence: deltas[index]!.contributions[0]!.paddedSequence, error });
    for (const { index, error } of sketchFailures ?? [])
      failures.push({ paddedSequence: deltas[sketches[index]!.deltaIndex]!.contributions[0]!.paddedSequence, error });
    for (const { index, error } of storeFailures ?? []) failures.push({ paddedSequence: quarantined[index]!.paddedSequence, error });
    for (const { index, error } of offerFailures ?? []) failures.push({ paddedSequence: offers[index]!.firstPaddedSequence, error });
    const lowestFailure = failures.reduce<string | undefined>(
      (lowest, failure) => (lowest === undefined || failure.paddedSequence < lowest ? failure.paddedSequence : lowest),
      undefined,
    )!;
    finalCount = entries.findIndex((entry) => entry.paddedSequence >= lowestFailure);
    // Checkpoints, the ledger and Lambda's item failures name whole Kinesis
    // records, so an aggregate is final only whole; its user records already
    // applied are skipped on the retry by the items' high-water marks.
    while (finalCount > 0 && entries[finalCount - 1]!.recordPaddedSequence === entries[finalCount]!.recordPaddedSequence) finalCount--;
  }

  // The ids this batch counted are recorded before the checkpoint passes them.
  if (ledger && finalCount > 0) {
    try {
      await recordCountedIds(shardId, entries, finalCount, ledger, config);
    } catch (error) {
      (failures ??= []).push({ paddedSequence: entries[0]!.paddedSequence, error });
      finalCount = 0;
    }
  }

  const commitMs = now();
  recordStats(stats, entries, finalCount, commitMs, deltas.length - (applyFailures?.length ?? 0));
  if (finalCount > 0) {
    const last = entries[finalCount - 1]!;
    await ports.checkpoints.advance({
      shardId,
      paddedSequence: last.recordPaddedSequence,
      arrivalMs: last.record.arrivalMs,
      watermarkMs: lateness.watermarks[finalCount - 1],
      updatedMs: commitMs,
    });
  }

  if (failures === undefined) return undefined;
  return { sequenceNumber: entries[finalCount]!.record.sequenceNumber, errors: failures.map((failure) => failure.error) };
}

/** A leaderboard offer with the first record behind it, where a retry must start if it fails. */
interface PendingOffer {
  readonly offer: TopKeysOffer;
  readonly firstPaddedSequence: string;
}

/** One offer per window the batch wrote, with the counts of the items written (a failed item is offered on its retry). */
function topKeysOffers(deltas: readonly ItemDelta[], countsAfter: readonly (number | undefined)[]): PendingOffer[] {
  const byWindow = new Map<string, { offer: TopKeysOffer & { counts: { key: string; count: number }[] }; firstPaddedSequence: string }>();
  for (let i = 0; i < deltas.length; i++) {
    const count = countsAfter[i];
    if (typeof count !== 'number' || !Number.isFinite(count)) continue;
    const { address, contributions } = deltas[i]!;
    const window = `${address.type}#${address.granularity}#${address.windowStartMs}`;
    const first = contributions[0]!.paddedSequence;
    let pending = byWindow.get(window);
    if (pending === undefined) {
      pending = {
        offer: {
          type: address.type,
          granularity: address.granularity,
          windowStartMs: address.windowStartMs,
          expiresAtSec: address.expiresAtSec,
          counts: [],
        },
        firstPaddedSequence: first,
      };
      byWindow.set(window, pending);
    } else if (first < pending.firstPaddedSequence) {
      pending.firstPaddedSequence = first;
    }
    pending.offer.counts.push({ key: address.key, count });
  }
  return [...byWindow.values()];
}

/**
 * Whether entries are in ascending sequence order already (ties allowed).
 * Sequence numbers of one length (the usual case) compare as they are: both
 * padded forms have the same zeros in front. That spares V8 flattening the
 * padded strings, which only the stores need whole.
 */
function isSortedBySequence(entries: readonly Entry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1]!;
    const b = entries[i]!;
    const aSequence = a.record.sequenceNumber;
    const bSequence = b.record.sequenceNumber;
    if (aSequence.length === bSequence.length ? aSequence > bSequence : a.paddedSequence > b.paddedSequence) return false;
  }
  return true;
}

function bySequence(a: Entry, b: Entry): number {
  return a.paddedSequence < b.paddedSequence ? -1 : a.paddedSequence > b.paddedSequence ? 1 : 0;
}

/**
 * The entries of one Kinesis record: itself, or each user record of a
 * KPL aggregate (docs/exactly-once.md, KPL-aggregated records). A record with
 * the KPL's magic that is not a well-formed aggregate is one invalid entry.
 */
function decodeEntries(record: StreamRecord, config: AggregatorConfig): Entry[] {
  const recordPaddedSequence = padSequenceNumber(record.sequenceNumber);
  const aggregate = deaggregateRecord(record.data);
  if (aggregate.kind === 'plain')
    return [decodeEntry(record, recordPaddedSequence, recordPaddedSequence, undefined, record.partitionKey, config)];
  if (aggregate.kind === 'invalid') {
    return [
      {
        record,
        paddedSequence: recordPaddedSequence,
        recordPaddedSequence,
        subSequenceNumber: undefined,
        arrivalMs: record.arrivalMs,
        event: undefined,
        verdict: invalid(aggregate.message),
      },
    ];
  }
  return aggregate.records.map((user, subSequenceNumber) =>
    decodeEntry(
      { ...record, partitionKey: user.partitionKey, data: user.data },
      subSequencePaddedSequence(recordPaddedSequence, subSequenceNumber),
      recordPaddedSequence,
      subSequenceNumber,
      // Lambda's lanes follow the Kinesis record's partition key, not the user record's.
      record.partitionKey,
      config,
    ),
  );
}

function decodeEntry(
  record: StreamRecord,
  paddedSequence: string,
  recordPaddedSequence: string,
  subSequenceNumber: number | undefined,
  lanePartitionKey: string,
  config: AggregatorConfig,
): Entry {
  const arrivalMs = record.arrivalMs;
  const decoded = decodeRecord(record.data, config.maxRecordBytes);
  if (!decoded.ok) {
    return {
      record,
      paddedSequence,
      recordPaddedSequence,
      subSequenceNumber,
      arrivalMs,
      event: undefined,
      verdict: invalid(decoded.message),
    };
  }
  if (config.parallelizationFactor > 1 && lanePartitionKey !== decoded.event.key) {
    // With a parallelization factor above 1 Lambda keeps order only per
    // partition key; the per-shard high-water marks are exact only when all
    // events of one aggregation key share one partition key.
    return {
      record,
      paddedSequence,
      recordPaddedSequence,
      subSequenceNumber,
      arrivalMs,
      event: undefined,
      verdict: invalid(
        'partition key differs from field "key"; the consumer runs with a parallelization factor above 1, which needs events partitioned by their key',
      ),
    };
  }
  return { record, paddedSequence, recordPaddedSequence, subSequenceNumber, arrivalMs, event: decoded.event, verdict: COUNT };
}

function invalid(message: string): Verdict {
  return { kind: 'quarantine', reason: QuarantineReason.invalid, message };
}

/**
 * Decides the dimension bucket of every counted event (docs/measures.md). A
 * registry that cannot decide makes the events of its type and day a retry:
 * the rule on the first undecided entry then holds them back, and all after.
 */
async function decideBuckets(
  entries: readonly Entry[],
  ports: BatchPorts,
  config: AggregatorConfig,
  measures: MeasuresConfig,
): Promise<AdmittedLookup> {
  if (!Object.values(measures.types).some((type) => type.dimensions.length > 0)) return NO_BUCKETS;
  const events: StreamEvent[] = [];
  for (const entry of entries) if (entry.verdict.kind === 'count') events.push(entry.event!);
  const { admitted, failures } = await decideDimensionBuckets(
    events,
    measures,
    ports.dimensions,
    config.granularities,
    config.writeConcurrency,
  );
  for (const failure of failures) {
    for (const entry of entries) {
      const event = entry.event;
      if (entry.verdict.kind === 'count' && event!.type === failure.type && utcDay(event!.tsMs) === failure.day) {
        entry.verdict = { kind: 'retry', error: failure.error };
      }
    }
  }
  return admitted;
}

const NO_BUCKETS: AdmittedLookup = () => false;

/**
 * With concurrent batches per shard a record is judged by the watermark
 * committed before its batch, which only grows: a record once late stays
 * late, but one counted (or begun) on an earlier attempt may look late on a
 * re-delivery. Its claim tells: such a record keeps counting, so no item is
 * left half-applied and nothing lands in two places.
 */
async function recogniseEarlierCounts(
  shardId: string,
  entries: readonly Entry[],
  ports: BatchPorts,
  config: AggregatorConfig,
): Promise<void> {
  const claims = ports.claims;
  if (!claims) throw new Error('concurrent batches per shard need producer-id claims');
  const late = entries.filter((entry) => entry.verdict.kind === 'quarantine' && entry.verdict.reason === QuarantineReason.late);
  await mapWithConcurrency(late, config.writeConcurrency, async (entry) => {
    try {
      const owner = await claims.ownerOf((entry.event as StreamEvent).id);
      if (owner === claimOwner(shardId, entry.paddedSequence)) entry.verdict = COUNT;
    } catch (error) {
      entry.verdict = { kind: 'retry', error };
    }
  });
}

/**
 * Drops repeated producer ids with the seen-id ledger: within the batch
 * first, then against what the shard (and its parents) committed before.
 */
async function dropSeenIds(
  shardId: string,
  entries: readonly Entry[],
  ledger: SeenIdLedger,
  checkpoint: Checkpoint | undefined,
): Promise<void> {
  const candidates: CountedEntry[] = [];
  for (const entry of entries) if (entry.verdict.kind === 'count') candidates.push(entry as CountedEntry);
  const { firsts, duplicates } = splitFirstOccurrences(candidates);
  for (const entry of duplicates) entry.verdict = DUPLICATE;
  if (firsts.length === 0) return;
  let seen: boolean[];
  try {
    seen = await ledger.seen(
      shardId,
      checkpoint,
      firsts.map((entry) => entry.event),
    );
  } catch (error) {
    for (const entry of firsts) entry.verdict = { kind: 'retry', error };
    return;
  }
  for (let i = 0; i < firsts.length; i++) if (seen[i]) firsts[i]!.verdict = DUPLICATE;
}

/** Records the ids of the counted records among the first `finalCount` entries. */
async function recordCountedIds(
  shardId: string,
  entries: readonly Entry[],
  finalCount: number,
  ledger: SeenIdLedger,
  config: AggregatorConfig,
): Promise<void> {
  const ids: StreamEvent[] = [];
  let lastArrivalMs = 0;
  for (let i = 0; i < finalCount; i++) {
    const entry = entries[i]!;
    if (entry.verdict.kind !== 'count') continue;
    ids.push(entry.event!);
    if (entry.arrivalMs > lastArrivalMs) lastArrivalMs = entry.arrivalMs;
  }
  if (ids.length === 0) return;
  await ledger.record(
    shardId,
    { firstPaddedSequence: entries[0]!.recordPaddedSequence, lastPaddedSequence: entries[finalCount - 1]!.recordPaddedSequence },
    ids,
    Math.ceil((lastArrivalMs + config.dedupRetentionMs) / 1000),
  );
}

/** Drops repeated producer ids: within the batch first, then against earlier batches. */
async function settleDuplicates(
  shardId: string,
  entries: readonly Entry[],
  claims: ClaimStore | undefined,
  config: AggregatorConfig,
): Promise<void> {
  if (!claims) return;
  // claimOwner(shardId, paddedSequence), with the shard's part made once.
  const ownerPrefix = claimOwner(shardId, '');
  const candidates: CountedEntry[] = [];
  for (const entry of entries) if (entry.verdict.kind === 'count') candidates.push(entry as CountedEntry);
  const { firsts, duplicates } = splitFirstOccurrences(candidates);
  for (const entry of duplicates) entry.verdict = DUPLICATE;
  const failures = await settleWithConcurrency(
    firsts,
    config.writeConcurrency,
    (entry) =>
      claims.claim(
        entry.event.id,
        ownerPrefix + entry.paddedSequence,
        Math.ceil((entry.record.arrivalMs + config.dedupRetentionMs) / 1000),
      ),
    (entry, outcome) => {
      if (outcome === ClaimOutcome.taken) entry.verdict = DUPLICATE;
    },
  );
  if (failures !== undefined) for (const { index, error } of failures) firsts[index]!.verdict = { kind: 'retry', error };
}

/** The owner recorded on a claim: the one Kinesis record that carried the id first. */
export function claimOwner(shardId: string, paddedSequence: string): string {
  return `${shardId}:${paddedSequence}`;
}

function recordStats(stats: BatchStats, entries: readonly Entry[], finalCount: number, commitMs: number, itemsWritten: number): void {
  stats.records += finalCount;
  stats.itemsWritten += itemsWritten;
  for (let i = 0; i < finalCount; i++) {
    const entry = entries[i]!;
    const verdict = entry.verdict;
    if (verdict.kind === 'count') {
      stats.aggregated += 1;
      const eventAge = commitMs - (entry.event as StreamEvent).tsMs;
      const arrivalAge = commitMs - entry.record.arrivalMs;
      if (stats.maxEventAgeMs === undefined || eventAge > stats.maxEventAgeMs) stats.maxEventAgeMs = eventAge;
      if (stats.maxArrivalAgeMs === undefined || arrivalAge > stats.maxArrivalAgeMs) stats.maxArrivalAgeMs = arrivalAge;
    } else if (verdict.kind === 'duplicate') {
      stats.duplicates += 1;
    } else if (verdict.kind === 'quarantine') {
      stats.quarantined[verdict.reason] += 1;
    }
  }
}

function emptyStats(): BatchStats {
  return {
    records: 0,
    aggregated: 0,
    duplicates: 0,
    quarantined: { invalid: 0, late: 0, future: 0 },
    itemsWritten: 0,
    maxEventAgeMs: undefined,
    maxArrivalAgeMs: undefined,
  };
}

function groupByShard(records: readonly StreamRecord[]): Map<string, readonly StreamRecord[]> {
  // A batch comes from one shard: check that before copying anything.
  const first = records[0];
  if (first !== undefined && records.every((record) => record.shardId === first.shardId)) return new Map([[first.shardId, records]]);
  const groups = new Map<string, StreamRecord[]>();
  for (const record of records) {
    const group = groups.get(record.shardId);
    if (group) group.push(record);
    else groups.set(record.shardId, [record]);
  }
  return groups;
}
