import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { baseType, isCellPagePk, isDistinctSketchPk, isTopKeysPk } from '../../core';
import { mapWithConcurrency } from '../../lambdas/shared/mapWithConcurrency';
import { QUARANTINE_PREFIX, type QuarantineDocument } from '../../lambdas/aggregator/store/S3QuarantineSink';
import type { ShardOffset } from '../offsets/ConsumerOffsets';
import { readOffsets } from '../offsets/readOffsets';
import { readTopKeys, readWindowKeys, type AggregateRow } from '../query/readAggregates';
import type { AlarmStatus, DashboardSource } from './DashboardSource';

/** The total count of one window of one type: what the chart plots. */
export interface WindowCount {
  readonly windowStart: string;
  readonly count: number;
  /** How many keys had events in the window. */
  readonly keys: number;
}

/** One shard's lag, as `offsets` reports it, and how long ago its last applied record arrived. */
export interface ShardHealth extends ShardOffset {
  /** Milliseconds since the checkpointed record arrived in Kinesis; null before the first batch. */
  readonly sinceLastAppliedMs: number | null;
}

/** The pipeline's health: lag per consumer and shard, and the alarm states (null when the target cannot tell). */
export interface PipelineHealth {
  readonly consumers: readonly { readonly consumer: string; readonly shards: readonly ShardHealth[] }[];
  readonly alarms: readonly AlarmStatus[] | null;
}

/** Records counted per shard for the lag; beyond, the lag shows as "at least" (a dashboard refreshes often). */
const LAG_COUNT_LIMIT = 1_000;
/** How long a discovered list of event types is reused before it is read again. */
const TYPES_TTL_MS = 30_000;
/** Windows read at once for the chart. */
const WINDOW_READ_CONCURRENCY = 4;

/**
 * Every read the dashboard makes, for the local server and the API Lambda alike,
 * through the same functions as `query`, `offsets` and `quarantine list`. It keeps
 * two caches: the discovered event types (briefly), and the reason of each
 * quarantined object (objects are written once and never change, so only new
 * ones are fetched on the next refresh).
 */
export class DashboardReader {
  private types: { readonly list: readonly string[]; readonly readAtMs: number } | undefined;
  private readonly quarantineReasons = new Map<string, string>();

  constructor(
    private readonly source: DashboardSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The event types that have aggregates: as configured, or every type with a
   * leaderboard or a cell page. Derived types (a dimension's `page_view@attrs.country`,
   * a total's `page_view@total`, docs/measures.md) have leaderboards too but
   * are views of their type, not types of their own: they are left out
   * (`query --by` and `--total` read them).
   */
  async eventTypes(): Promise<readonly string[]> {
    if (this.source.eventTypes) return this.source.eventTypes;
    const now = this.clock();
    if (this.types && now - this.types.readAtMs < TYPES_TTL_MS) return this.types.list;
    const found = new Set<string>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.source.dynamo.send(
        new ScanCommand({
          TableName: this.source.resources.aggregatesTable,
          ProjectionExpression: 'pk',
          // A window whose keys all fit its cell page has no leaderboard: its page names the type.
          FilterExpression: 'begins_with(pk, :top) OR begins_with(pk, :page)',
          ExpressionAttributeValues: { ':top': { S: '#top#' }, ':page': { S: '#pg#' } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S ?? '';
        // The filter keeps sketch items (`#d#...`) out already; the check keeps it so if the filter changes.
        const prefix = isTopKeysPk(pk) ? '#top#' : isCellPagePk(pk) ? '#pg#' : undefined;
        if (prefix === undefined || isDistinctSketchPk(pk)) continue;
        // `#top#<type>#<granularity>` or `#pg#<type>#<granularity>`: a type never contains `#`.
        const type = pk.slice(prefix.length, pk.lastIndexOf('#'));
        if (baseType(type) === type) found.add(type);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const list = [...found].sort();
    this.types = { list, readAtMs: now };
    return list;
  }

  /** The total count of each window from `fromMs` to `toMs` (window starts), oldest first. */
  async windowCounts(query: { type: string; granularity: string; sizeMs: number; fromMs: number; toMs: number }): Promise<WindowCount[]> {
    const starts: number[] = [];
    for (let start = query.fromMs; start <= query.toMs; start += query.sizeMs) starts.push(start);
    const settled = await mapWithConcurrency(starts, WINDOW_READ_CONCURRENCY, (windowStartMs) =>
      readWindowKeys(this.source.dynamo, this.source.resources.aggregatesTable, {
        type: query.type,
        granularity: query.granularity,
        windowStartMs,
      }),
    );
    return settled.map((result, index) => {
      if (result.status === 'rejected') throw result.reason;
      return {
        windowStart: new Date(starts[index]!).toISOString(),
        count: result.value.reduce((sum, row) => sum + row.count, 0),
        keys: result.value.length,
      };
    });
  }

  /** The top `limit` keys of one window, as `query --top` reads them. */
  async topKeys(query: { type: string; granularity: string; windowStartMs: number; limit: number }): Promise<AggregateRow[]> {
    const cells = await readTopKeys(this.source.dynamo, this.source.resources.aggregatesTable, query);
    // The API shows the plain aggregates; an item's quantile bins are not part of it.
    return cells.map(({ key, windowStart, count, sum, min, max }) => ({ key, windowStart, count, sum, min, max }));
  }

  /** Quarantined records by reason (`invalid`, `late`, `future`, and any other reason found). */
  async quarantineCounts(): Promise<Record<string, number>> {
    const { s3, resources } = this.source;
    const present = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: resources.quarantineBucket, Prefix: QUARANTINE_PREFIX, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) present.add(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    const unknown = [...present].filter((key) => !this.quarantineReasons.has(key));
    const settled = await mapWithConcurrency(unknown, 8, async (key) => {
      const body = await s3.send(new GetObjectCommand({ Bucket: resources.quarantineBucket, Key: key }));
      return (JSON.parse(await body.Body!.transformToString()) as QuarantineDocument).reason;
    });
    settled.forEach((result, index) => {
      // An object redriven between the listing and the read is simply gone.
      if (result.status === 'fulfilled') this.quarantineReasons.set(unknown[index]!, result.value);
    });
    for (const key of this.quarantineReasons.keys()) if (!present.has(key)) this.quarantineReasons.delete(key);
    const counts: Record<string, number> = { invalid: 0, late: 0, future: 0 };
    for (const reason of this.quarantineReasons.values()) counts[reason] = (counts[reason] ?? 0) + 1;
    return counts;
  }

  /** Lag per consumer and shard (as `offsets` measures it) and the alarm states. */
  async health(): Promise<PipelineHealth> {
    const { resources } = this.source;
    const [offsets, alarms] = await Promise.all([
      readOffsets(this.source, {
        streamName: resources.streamName,
        checkpointTable: resources.checkpointTable,
        consumers: this.source.consumers,
        maxCountedRecords: LAG_COUNT_LIMIT,
      }),
      this.source.alarmStates(),
    ]);
    const now = this.clock();
    return {
      consumers: offsets.map(({ consumer, shards }) => ({
        consumer,
        shards: shards.map((shard) => ({
          ...shard,
          sinceLastAppliedMs: shard.checkpointArrivalTime === null ? null : Math.max(0, now - Date.parse(shard.checkpointArrivalTime)),
        })),
      })),
      alarms: alarms ?? null,
    };
  }
}
