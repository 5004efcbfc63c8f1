import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  summarizeContributions,
  nanosToDecimalString,
  aggregatePk,
  highWaterAttribute,
  windowPk,
  windowSk,
  type Contribution,
  type ItemAddress,
  type ItemDelta,
} from '../../../core';
import { AggregateContentionError } from './errors';
import type { AggregateStore } from './ports';

const NAMES = {
  '#type': 'type',
  '#key': 'key',
  '#gran': 'granularity',
  '#ws': 'windowStart',
  '#wpk': 'windowPk',
  '#exp': 'expiresAt',
  '#count': 'count',
  '#sum': 'sum',
  '#min': 'min',
  '#max': 'max',
} as const;

const MAX_REREADS = 8;

/**
 * Window aggregates in DynamoDB, one item per (type, key, granularity, window).
 *
 * Each item keeps, per shard, the padded sequence number of the newest record
 * it has taken (`hw#<shardId>`). A delta is written with one UpdateItem whose
 * condition says "none of these contributions is applied yet, and min/max do
 * not move"; that holds on the normal path, so one write per item. When it
 * fails (a redelivery, or a new minimum or maximum) the item is read and only
 * the contributions above its mark are written, conditioned on what was read.
 */
export class DynamoAggregateStore implements AggregateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async apply(delta: ItemDelta): Promise<number> {
    const { address, shardId, contributions } = delta;
    const key = itemKey(address);
    const hwName = highWaterAttribute(shardId);
    const summary = summarizeContributions(contributions);
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${setIdentity} , #hw = :maxSeq, #min = if_not_exists(#min, :min), #max = if_not_exists(#max, :max) ADD #count :count, #sum :sum`,
          // The new count feeds the window's leaderboard; returned values are not billed.
          ReturnValues: 'UPDATED_NEW',
          ConditionExpression:
            '(attribute_not_exists(#hw) OR #hw < :minSeq) AND (attribute_not_exists(#min) OR #min <= :min) AND (attribute_not_exists(#max) OR #max >= :max)',
          ExpressionAttributeNames: { ...NAMES, '#hw': hwName },
          ExpressionAttributeValues: {
            ...identityValues(address),
            ':maxSeq': { S: contributions[contributions.length - 1].paddedSequence },
            ':minSeq': { S: contributions[0].paddedSequence },
            ':min': { N: String(summary.min) },
            ':max': { N: String(summary.max) },
            ':count': { N: String(summary.count) },
            ':sum': { N: nanosToDecimalString(summary.sumNanos) },
          },
        }),
      );
      return Number(Attributes?.count?.N);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    for (let attempt = 0; attempt < MAX_REREADS; attempt++) {
      const count = await this.applyAfterRead(address, key, hwName, contributions);
      if (count !== undefined) return count;
    }
    throw new AggregateContentionError(`item ${key.pk.S} ${key.sk.S} changed on every one of ${MAX_REREADS} re-reads`);
  }

  /** Returns the count after the write, or undefined when the item changed between the read and the write. */
  private async applyAfterRead(
    address: ItemAddress,
    key: Record<string, AttributeValue>,
    hwName: string,
    contributions: readonly Contribution[],
  ): Promise<number | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#hw, #min, #max, #count',
        ExpressionAttributeNames: { '#hw': hwName, '#min': 'min', '#max': 'max', '#count': 'count' },
      }),
    );
    const mark = item?.[hwName]?.S;
    const pending = mark === undefined ? contributions : contributions.filter((c) => c.paddedSequence > mark);
    if (pending.length === 0) return Number(item?.count?.N ?? 0);
    const summary = summarizeContributions(pending);
    const readMin = item?.min?.N;
    const readMax = item?.max?.N;
    const min = readMin === undefined ? summary.min : Math.min(summary.min, Number(readMin));
    const max = readMax === undefined ? summary.max : Math.max(summary.max, Number(readMax));
    const values: Record<string, AttributeValue> = {
      ...identityValues(address),
      ':maxSeq': { S: pending[pending.length - 1].paddedSequence },
      ':min': { N: String(min) },
      ':max': { N: String(max) },
      ':count': { N: String(summary.count) },
      ':sum': { N: nanosToDecimalString(summary.sumNanos) },
    };
    const unchanged = [
      mark === undefined ? 'attribute_not_exists(#hw)' : '#hw = :readHw',
      readMin === undefined ? 'attribute_not_exists(#min)' : '#min = :readMin',
      readMax === undefined ? 'attribute_not_exists(#max)' : '#max = :readMax',
    ];
    if (mark !== undefined) values[':readHw'] = { S: mark };
    if (readMin !== undefined) values[':readMin'] = { N: readMin };
    if (readMax !== undefined) values[':readMax'] = { N: readMax };
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${setIdentity} , #hw = :maxSeq, #min = :min, #max = :max ADD #count :count, #sum :sum`,
          ReturnValues: 'UPDATED_NEW',
          ConditionExpression: unchanged.join(' AND '),
          ExpressionAttributeNames: { ...NAMES, '#hw': hwName },
          ExpressionAttributeValues: values,
        }),
      );
      return Number(Attributes?.count?.N);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

const setIdentity = 'SET #type = :type, #key = :key, #gran = :gran, #ws = :ws, #wpk = :wpk, #exp = :exp';

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
