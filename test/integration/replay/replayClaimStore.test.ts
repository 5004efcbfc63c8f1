import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { arrivalClock, DynamoClaimStore, wallClock } from '../../../lambdas/aggregator/store/DynamoClaimStore';
import { dynamoClient } from '../../support/clients';

const DAY = 86_400_000;
const RETENTION = 7 * DAY;
const expiresAtSec = (arrivalMs: number) => Math.ceil((arrivalMs + RETENTION) / 1000);

describe('DynamoClaimStore on the arrival clock (a replay) against dynalite', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const table = `shadow-claims-${process.pid}`;

  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });

  it('judges a claim expired by the stream time of the claiming record, not by the wall clock, so an old retry is still a duplicate', async () => {
    // Prepare: an event first carried 300 days ago, retried a day later and again eight days later.
    const firstArrival = Date.now() - 300 * DAY;
    const replay = new DynamoClaimStore(dynamo, table, 'replay:claims', arrivalClock(RETENTION));
    const live = new DynamoClaimStore(dynamo, table, 'live');

    // Act & assess: the replay drops the retry a day later (as the live consumer did at the time) and counts the one
    // eight days later (as the live consumer did: its claim had expired by then); a re-delivery keeps its claim.
    expect(await replay.claim('x', 'shard:1', expiresAtSec(firstArrival))).toBe('owned');
    expect(await replay.claim('x', 'shard:2', expiresAtSec(firstArrival + DAY))).toBe('taken');
    expect(await replay.claim('x', 'shard:1', expiresAtSec(firstArrival))).toBe('owned');
    expect(await replay.claim('x', 'shard:3', expiresAtSec(firstArrival + 8 * DAY))).toBe('owned');
    expect(await replay.ownerOf('x')).toBe('shard:3');
    // The live store, asked today, would have counted the day-later retry twice.
    expect(await live.claim('y', 'shard:1', expiresAtSec(firstArrival))).toBe('owned');
    expect(await live.claim('y', 'shard:2', expiresAtSec(firstArrival + DAY))).toBe('owned');
  });

  it('on the wall clock (the live consumer) lets a new owner take a claim once it has expired by now', async () => {
    let nowMs = Date.UTC(2026, 0, 1);
    const live = new DynamoClaimStore(
      dynamo,
      table,
      'live:wall',
      wallClock(() => nowMs),
    );
    const expiry = Math.floor(nowMs / 1000) + 60;
    expect(await live.claim('z', 'shard:1', expiry)).toBe('owned');
    nowMs += 59_000;
    expect(await live.claim('z', 'shard:2', expiry + 59)).toBe('taken');
    nowMs += 2_000;
    expect(await live.claim('z', 'shard:2', expiry + 61)).toBe('owned');
    expect(await live.ownerOf('z')).toBe('shard:2');
  });
});
