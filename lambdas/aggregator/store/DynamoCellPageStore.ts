import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  measuresOfType,
  nanosToDecimalString,
  planPage,
  DEFAULT_PAGE_BUDGET_BYTES,
  DeltaPlacement,
  EMPTY_PAGE,
  NO_MEASURES,
  PlainStat,
  type CellPage,
  type ItemDelta,
  type MeasuresConfig,
  type PageCell,
} from '../../../core';
import { settleWithConcurrency, type TaskFailure } from '../../shared/mapWithConcurrency';
import {
  cellBytes,
  cellPageKey,
  pageBytes,
  pageFromItem,
  pageToItem,
  PageAttributes,
  type PageIdentity,
  type PageStats,
} from './cellPageItem';
import { AggregateContentionError } from './errors';
import { LruMap } from './LruMap';
import type { AggregateState, AggregateStore } from './ports';

const MAX_REREADS = 8;

/**
 * The cells of the pages this environment remembers as it last wrote or read
 * them, all pages together: a cell is about 140 bytes of heap (measured with keys of 20 characters), so about 37 MB.
 * Counted in cells, not pages, because a page holds from one to thousands.
 */
export const DEFAULT_PAGE_CACHE_CELLS = 262_144;

export interface CellPageStoreOptions {
  /** The bytes a page may reach before it takes no new key. */
  readonly budgetBytes?: number;
  /** The leaderboards' depth, written on each page for top-N reads (PageIdentity.topKeysDepth). */
  readonly topKeysDepth?: number;
  /** @default DEFAULT_PAGE_CACHE_CELLS */
  readonly cacheCells?: number;
}

/** One window's deltas of one batch. */
interface WindowGroup {
  readonly id: string;
  readonly identity: PageIdentity;
  readonly stats: PageStats;
  readonly shardId: string;
  readonly indexes: number[];
}

/**
 * Window aggregates in cell pages (core/cellPages.ts), the window's keys
 * beyond its page in per-key items (`perKey`, DynamoAggregateStore).
 *
 * A batch's deltas are grouped by window; each window's page is planned from
 * what this environment last wrote (or, on a miss, a strongly consistent
 * read) and written with one PutItem conditioned on the version planned from.
 * A page changed by someone else (another shard's batch, a replay) fails the
 * condition and is read and planned again. The window's overflow deltas go to
 * their per-key items only after the page's write succeeded: that write is
 * what stores `full`, which keeps a key from ever having both.
 *
 * Types with quantile bins keep per-key items only: a cell's bins are up to
 * hundreds of attributes, which would fill a page with one key.
 */
export class DynamoCellPageStore implements AggregateStore {
  private readonly pages: LruMap<string, CellPage>;
  private readonly budgetBytes: number;
  private readonly topKeysDepth: number | undefined;
  private readonly statsByType = new Map<string, PageStats | undefined>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly perKey: AggregateStore,
    private readonly measures: MeasuresConfig = NO_MEASURES,
    options: CellPageStoreOptions = {},
  ) {
    this.budgetBytes = options.budgetBytes ?? DEFAULT_PAGE_BUDGET_BYTES;
    this.topKeysDepth = options.topKeysDepth;
    this.pages = new LruMap(options.cacheCells ?? DEFAULT_PAGE_CACHE_CELLS, (page) => 1 + page.cells.size);
  }

  async apply(delta: ItemDelta): Promise<number | AggregateState | undefined | void> {
    let outcome: number | AggregateState | undefined | void;
    const failures = await this.applyMany([delta], 1, (_delta, result) => (outcome = result));
    if (failures !== undefined) throw failures[0]!.error;
    return outcome;
  }

  async applyMany(
    deltas: readonly ItemDelta[],
    limit: number,
    onApplied: (delta: ItemDelta, result: number | AggregateState | undefined | void, index: number) => void,
  ): Promise<TaskFailure[] | undefined> {
    const groups = new Map<string, WindowGroup>();
    const direct: number[] = [];
    for (let i = 0; i < deltas.length; i++) {
      const { address, shardId } = deltas[i]!;
      const stats = this.statsOf(address.type);
      if (stats === undefined) {
        direct.push(i);
        continue;
      }
      const id = `${address.type}\u0000${address.granularity}\u0000${address.windowStartMs}`;
      let group = groups.get(`${id}\u0000${shardId}`);
      if (group === undefined) {
        const measures = measuresOfType(this.measures, address.type);
        group = {
          id,
          identity: {
            type: address.type,
            granularity: address.granularity,
            windowStartMs: address.windowStartMs,
            expiresAtSec: address.expiresAtSec,
            distinctFields: measures.distinct.length > 0 ? measures.distinct.map((distinct) => distinct.field).join(',') : undefined,
            ...(this.topKeysDepth === undefined ? {} : { topKeysDepth: this.topKeysDepth }),
          },
          stats,
          shardId,
          indexes: [],
        };
        groups.set(`${id}\u0000${shardId}`, group);
      }
      group.indexes.push(i);
    }
    const failures: TaskFailure[] = [];
    const overflow: number[] = [...direct];
    const windowFailures = await settleWithConcurrency([...groups.values()], limit, async (group) => {
      const { page, placements } = await this.writePage(group, deltas);
      for (let j = 0; j < group.indexes.length; j++) {
        const index = group.indexes[j]!;
        if (placements[j] === DeltaPlacement.overflow) overflow.push(index);
        else onApplied(deltas[index]!, stateOfCell(page.cells.get(deltas[index]!.address.key)!, group.stats), index);
      }
    });
    const groupList = [...groups.values()];
    for (const { index, error } of windowFailures ?? [])
      for (const deltaIndex of groupList[index]!.indexes) failures.push({ index: deltaIndex, error });
    const overflowFailures = await settleWithConcurrency(
      overflow,
      limit,
      (index) => this.perKey.apply(deltas[index]!),
      (index, result) => onApplied(deltas[index]!, result, index),
    );
    for (const { index, error } of overflowFailures ?? []) failures.push({ index: overflow[index]!, error });
    return failures.length === 0 ? undefined : failures.sort((a, b) => a.index - b.index);
  }

  /** The stats a type's page cells keep; `undefined`: the type keeps per-key items only. */
  private statsOf(type: string): PageStats | undefined {
    if (this.statsByType.has(type)) return this.statsByType.get(type);
    const measures = measuresOfType(this.measures, type);
    const stats =
      measures.quantiles !== undefined
        ? undefined
        : {
            sum: measures.stats.includes(PlainStat.sum),
            min: measures.stats.includes(PlainStat.min),
            max: measures.stats.includes(PlainStat.max),
          };
    this.statsByType.set(type, stats);
    return stats;
  }

  private async writePage(group: WindowGroup, deltas: readonly ItemDelta[]): Promise<{ page: CellPage; placements: readonly string[] }> {
    const windowDeltas = group.indexes.map((index) => deltas[index]!);
    const sizes = {
      cellBytes: (key: string, cell: PageCell) => cellBytes(key, cell, group.stats),
      pageBytes: (page: CellPage) => pageBytes(page, group.identity, group.stats),
    };
    let stored = this.pages.get(group.id);
    for (let attempt = 0; attempt <= MAX_REREADS; attempt++) {
      stored ??= await this.read(group);
      const plan = planPage(stored, windowDeltas, group.shardId, this.budgetBytes, sizes);
      if (!plan.changed) return plan;
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: pageToItem(plan.page, group.identity, group.stats),
            ConditionExpression: stored.version === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
            ...(stored.version === 0
              ? {}
              : {
                  ExpressionAttributeNames: { '#v': PageAttributes.version },
                  ExpressionAttributeValues: { ':v': { N: String(stored.version) } },
                }),
          }),
        );
        this.pages.set(group.id, plan.page);
        return plan;
      } catch (error) {
        this.pages.delete(group.id);
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        stored = undefined;
      }
    }
    const key = cellPageKey(group.identity.type, group.identity.granularity, group.identity.windowStartMs);
    throw new AggregateContentionError(`page ${key.pk.S} ${key.sk.S} changed on every one of ${MAX_REREADS} re-reads`);
  }

  private async read(group: WindowGroup): Promise<CellPage> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: cellPageKey(group.identity.type, group.identity.granularity, group.identity.windowStartMs),
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? EMPTY_PAGE : pageFromItem(Item);
  }
}

function stateOfCell(cell: PageCell, stats: PageStats): AggregateState {
  return {
    onPage: true,
    count: cell.count,
    ...(stats.sum ? { sum: Number(nanosToDecimalString(cell.sumNanos)) } : {}),
    ...(stats.min ? { min: cell.min } : {}),
    ...(stats.max ? { max: cell.max } : {}),
  };
}
