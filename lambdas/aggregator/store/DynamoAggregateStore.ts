import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  alertCellId,
  summarizeContributions,
  nanosToDecimalString,
  aggregatePk,
  highWaterAttribute,
  measuresOfType,
  windowPk,
  windowSk,
  watchedCellIds,
  MeasureAttributes,
  NO_MEASURES,
  PlainStat,
  type Contribution,
  type ItemAddress,
  type ItemDelta,
  type MeasuresConfig,
} from '../../../core';
import { stateOf } from './aggregateState';
import { binsOf, binTerm, chunkByBins, maxBinsAfter } from './chunkContributions';
import { AggregateContentionError } from './errors';
import { LruMap } from './LruMap';
import type { AggregateState, AggregateStore } from './ports';

const NAMES = {
  '#type': 'type',
  '#key': 'key',
  '#gran': 'granularity',
  '#ws': 'windowStart',
  '#wpk': 'windowPk',
  '#exp': 'expiresAt',
  '#count': 'count',
} as const;

const MAX_REREADS = 8;
/**
 * Items whose min and max this environment remembers. A batch touches a few
 * hundred items per granularity; 20,000 entries of two numbers hold a busy
 * day's hot keys in a few MB.
 */
export const DEFAULT_EXTREMES_CACHE_ITEMS = 20_000;

/** An item's min and max as its last write in this environment returned them. */
interface Extremes {
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** What an item of one type keeps besides the count (docs/measures.md). */
interface ItemLayout {
  readonly sum: boolean;
  readonly min: boolean;
  readonly max: boolean;
  /** Quantile bins' relative accuracy; absent: no bins. */
  readonly relativeAccuracy: number | undefined;
  /** The declared distinct fields, comma-separated (`qd`); absent: none. */
  readonly distinctFields: string | undefined;
}

const setIdentity = 'SET #type = :type, #key = :key, #gran = :gran, #ws = :ws, #wpk = :wpk, #exp = :exp';

/**
 * The longest UpdateExpression before its bins (the re-read path's, with
 * every stat): each chunk's bins must fit after it in DynamoDB's 4 KB.
 */
const LONGEST_BASE_EXPRESSION = `${setIdentity} , #hw = :maxSeq, #min = if_not_exists(#min, :min), #max = if_not_exists(#max, :max), #qa = :qa, #qd = :qd ADD #count :count, #sum :sum`;
const MAX_BINS_PER_WRITE = maxBinsAfter(LONGEST_BASE_EXPRESSION.length);

/**
 * Window aggregates in DynamoDB, one item per (type, key, granularity, window).
 *
 * Each item keeps, per shard, the padded sequence number of the newest record
 * it has taken (`hw#<shardId>`). A delta is written with one UpdateItem whose
 * condition says "none of these contributions is applied yet, and min/max do
 * not move"; that holds on the normal path, so one write per item. When it
 * fails (a redelivery, or a new minimum or maximum) the item is read and only
 * the contributions above its mark are written, conditioned on what was read.
 *
 * A type's declared measures (docs/measures.md) decide what else is written:
 * only the plain stats it keeps (min and max are neither written nor
 * conditioned on when not kept), and its quantile bins, added in the same
 * write and under the same condition as the count, so they are exact by the
 * same high-water mark. A delta touching more bins than one expression can
 * hold is written in consecutive chunks, each as a delta of its own.
 *
 * A new minimum or maximum would cost three requests on that path (the failed
 * write, the read, the write again), and in a batch of a few hundred items
 * about one in seven moves one. So the store remembers each item's min and max
 * as its last write returned them: a batch whose min is below the remembered
 * one writes `#min = :min` under `#min >= :min`, which is the true minimum
 * whatever the item holds when the condition passes. A stale memory only
 * fails the condition and takes the read path; the high-water mark condition
 * is the same on both, so what is applied does not depend on the memory.
 */
export class DynamoAggregateStore implements AggregateStore {
  private readonly layouts = new Map<string, ItemLayout>();
  private readonly watched: ReadonlySet<string>;
  private readonly extremes: LruMap<string, Extremes>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly measures: MeasuresConfig = NO_MEASURES,
    extremesCacheItems = DEFAULT_EXTREMES_CACHE_ITEMS,
  ) {
    this.watched = watchedCellIds(measures);
    this.extremes = new LruMap(extremesCacheItems);
  }

  async apply(delta: ItemDelta): Promise<AggregateState> {
    const { address, shardId, contributions } = delta;
    const layout = this.layoutOf(address.type);
    // A data alert reads the whole item after the write; returned values are not billed.
    const wantItem = this.watched.size > 0 && this.watched.has(alertCellId(address.type, address.key, address.granularity));
    const key = itemKey(address);
    const write = { address, key, id: `${key.pk.S}\u0000${key.sk.S}`, hwName: highWaterAttribute(shardId), layout, wantItem };
    if (layout.relativeAccuracy === undefined) return this.applyChunk(write, contributions, undefined);
    let state: AggregateState | undefined;
    for (const chunk of chunkByBins(contributions, layout.relativeAccuracy, MAX_BINS_PER_WRITE)) {
      state = await this.applyChunk(write, chunk.contributions, chunk.bins);
    }
    return state!;
  }

  private layoutOf(type: string): ItemLayout {
    let layout = this.layouts.get(type);
    if (layout === undefined) {
      const measures = measuresOfType(this.measures, type);
      layout = {
        sum: measures.stats.includes(PlainStat.sum),
        min: measures.stats.includes(PlainStat.min),
        max: measures.stats.includes(PlainStat.max),
        relativeAccuracy: measures.quantiles?.relativeAccuracy,
        distinctFields: measures.distinct.length > 0 ? measures.distinct.map((distinct) => distinct.field).join(',') : undefined,
      };
      this.layouts.set(type, layout);
    }
    return layout;
  }

  private async applyChunk(
    write: ItemWrite,
    contributions: readonly Contribution[],
    bins: ReadonlyMap<string, number> | undefined,
  ): Promise<AggregateState> {
    const { address, key, hwName, layout } = write;
    const summary = summarizeContributions(contributions);
    const set = [setIdentity, ' , #hw = :maxSeq'];
    const add = ['ADD #count :count'];
    const condition = ['(attribute_not_exists(#hw) OR #hw < :minSeq)'];
    const names: Record<string, string> = { ...NAMES, '#hw': hwName };
    const values: Record<string, AttributeValue> = {
      ...identityValues(address),
      ':maxSeq': { S: contributions[contributions.length - 1]!.paddedSequence },
      ':minSeq': { S: contributions[0]!.paddedSequence },
      ':count': { N: String(summary.count) },
    };
    const known = layout.min || layout.max ? this.extremes.get(write.id) : undefined;
    if (layout.min) {
      // Below the remembered minimum: the batch's is the item's new one unless the item went lower since.
      const lower = known?.min !== undefined && summary.min < known.min;
      set.push(lower ? ', #min = :min' : ', #min = if_not_exists(#min, :min)');
      condition.push(lower ? '(attribute_not_exists(#min) OR #min >= :min)' : '(attribute_not_exists(#min) OR #min <= :min)');
      names['#min'] = 'min';
      values[':min'] = { N: String(summary.min) };
    }
    if (layout.max) {
      const higher = known?.max !== undefined && summary.max > known.max;
      set.push(higher ? ', #max = :max' : ', #max = if_not_exists(#max, :max)');
      condition.push(higher ? '(attribute_not_exists(#max) OR #max <= :max)' : '(attribute_not_exists(#max) OR #max >= :max)');
      names['#max'] = 'max';
      values[':max'] = { N: String(summary.max) };
    }
    if (layout.sum) addSum(add, names, values, summary.sumNanos);
    if (layout.distinctFields !== undefined) markDistinctFields(set, names, values, layout.distinctFields);
    if (bins !== undefined) addBins(set, add, names, values, bins, layout.relativeAccuracy!);
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${set.join('')} ${add.join(', ')}`,
          // The new count feeds the window's leaderboard; returned values are not billed.
          ReturnValues: write.wantItem ? 'ALL_NEW' : 'UPDATED_NEW',
          ConditionExpression: condition.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      this.remember(write, Attributes);
      return stateOf(Attributes, write.wantItem);
    } catch (error) {
      // Whatever happened to the item, what is remembered of it may be wrong now.
      this.extremes.delete(write.id);
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    for (let attempt = 0; attempt < MAX_REREADS; attempt++) {
      const state = await this.applyAfterRead(write, contributions);
      if (state !== undefined) return state;
    }
    throw new AggregateContentionError(`item ${key.pk.S} ${key.sk.S} changed on every one of ${MAX_REREADS} re-reads`);
  }

  /** Returns the item after the write, or undefined when the item changed between the read and the write. */
  private async applyAfterRead(write: ItemWrite, contributions: readonly Contribution[]): Promise<AggregateState | undefined> {
    const { address, key, hwName, layout, wantItem } = write;
    const projected = ['#hw', '#count'];
    const readNames: Record<string, string> = { '#hw': hwName, '#count': 'count' };
    if (layout.min) {
      projected.push('#min');
      readNames['#min'] = 'min';
    }
    if (layout.max) {
      projected.push('#max');
      readNames['#max'] = 'max';
    }
    const { Item: item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        // A watched cell's state is the whole item; otherwise only what the condition needs.
        ...(wantItem ? {} : { ProjectionExpression: projected.join(', '), ExpressionAttributeNames: readNames }),
      }),
    );
    const mark = item?.[hwName]?.S;
    const pending = mark === undefined ? contributions : contributions.filter((c) => c.paddedSequence > mark);
    if (pending.length === 0) return item === undefined ? { count: 0 } : stateOf(item, wantItem);
    const summary = summarizeContributions(pending);
    const set = [setIdentity, ' , #hw = :maxSeq'];
    const add = ['ADD #count :count'];
    const unchanged = [mark === undefined ? 'attribute_not_exists(#hw)' : '#hw = :readHw'];
    const names: Record<string, string> = { ...NAMES, '#hw': hwName };
    const values: Record<string, AttributeValue> = {
      ...identityValues(address),
      ':maxSeq': { S: pending[pending.length - 1]!.paddedSequence },
      ':count': { N: String(summary.count) },
    };
    if (mark !== undefined) values[':readHw'] = { S: mark };
    if (layout.min) {
      const readMin = item?.min?.N;
      set.push(', #min = :min');
      names['#min'] = 'min';
      values[':min'] = { N: String(readMin === undefined ? summary.min : Math.min(summary.min, Number(readMin))) };
      unchanged.push(readMin === undefined ? 'attribute_not_exists(#min)' : '#min = :readMin');
      if (readMin !== undefined) values[':readMin'] = { N: readMin };
    }
    if (layout.max) {
      const readMax = item?.max?.N;
      set.push(', #max = :max');
      names['#max'] = 'max';
      values[':max'] = { N: String(readMax === undefined ? summary.max : Math.max(summary.max, Number(readMax))) };
      unchanged.push(readMax === undefined ? 'attribute_not_exists(#max)' : '#max = :readMax');
      if (readMax !== undefined) values[':readMax'] = { N: readMax };
    }
    if (layout.sum) addSum(add, names, values, summary.sumNanos);
    if (layout.distinctFields !== undefined) markDistinctFields(set, names, values, layout.distinctFields);
    // Only the pending contributions' bins: they are a subset of the chunk's, so they fit too.
    if (layout.relativeAccuracy !== undefined) {
      addBins(set, add, names, values, binsOf(pending, layout.relativeAccuracy), layout.relativeAccuracy);
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${set.join('')} ${add.join(', ')}`,
          ReturnValues: wantItem ? 'ALL_NEW' : 'UPDATED_NEW',
          ConditionExpression: unchanged.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      this.remember(write, Attributes);
      return stateOf(Attributes, wantItem);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Keeps the min and max a write returned (both are SET by every write that keeps them, so both are returned). */
  private remember(write: ItemWrite, attributes: Record<string, AttributeValue> | undefined): void {
    if (!write.layout.min && !write.layout.max) return;
    const min = attributes?.min?.N;
    const max = attributes?.max?.N;
    this.extremes.set(write.id, { min: min === undefined ? undefined : Number(min), max: max === undefined ? undefined : Number(max) });
  }
}

/** One delta's write target, shared by its chunks. */
interface ItemWrite {
  readonly address: ItemAddress;
  readonly key: { pk: { S: string }; sk: { S: string } };
  /** The item's identity in the extremes cache. */
  readonly id: string;
  readonly hwName: string;
  readonly layout: ItemLayout;
  readonly wantItem: boolean;
}

function addSum(add: string[], names: Record<string, string>, values: Record<string, AttributeValue>, sumNanos: bigint): void {
  add.push('#sum :sum');
  names['#sum'] = 'sum';
  values[':sum'] = { N: nanosToDecimalString(sumNanos) };
}

function addBins(
  set: string[],
  add: string[],
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
  bins: ReadonlyMap<string, number>,
  relativeAccuracy: number,
): void {
  set.push(', #qa = :qa');
  names['#qa'] = MeasureAttributes.relativeAccuracy;
  values[':qa'] = { N: String(relativeAccuracy) };
  let index = 0;
  for (const [bin, count] of bins) {
    // binTerm(index) is `, #q<i> :q<i>`; the ADD clause is joined with ', ' already.
    add.push(binTerm(index).slice(2));
    names[`#q${index}`] = bin;
    values[`:q${index}`] = { N: String(count) };
    index++;
  }
}

function identityValues(address: ItemAddress): Record<string, AttributeValue> {
  return {
    ':type': { S: address.type },
    ':key': { S: address.key },
    ':gran': { S: address.granularity },
    ':ws': { S: windowSk(address.windowStartMs) },
    ':wpk': { S: windowPk(address.type, address.granularity, address.windowStartMs, address.key) },
    ':exp': { N: String(address.expiresAtSec) },
  };
}

function itemKey(address: ItemAddress): { pk: { S: string }; sk: { S: string } } {
  return {
    pk: { S: aggregatePk(address.type, address.granularity, address.key) },
    sk: { S: windowSk(address.windowStartMs) },
  };
}

/**
 * Names the type's distinct fields on the item (`qd`, docs/measures.md), so
 * that a reader queries distinct-count sketches only for items that have some.
 */
function markDistinctFields(set: string[], names: Record<string, string>, values: Record<string, AttributeValue>, fields: string): void {
  set.push(', #qd = :qd');
  names['#qd'] = MeasureAttributes.distinctFields;
  values[':qd'] = { S: fields };
}
