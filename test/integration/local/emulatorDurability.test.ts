import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig, startDynamoEmulator, startS3Emulator, type RunningEmulator } from '../../../src/local/emulators';

/**
 * The local stack restarts only the Kinesis emulator after a death (kinesalite, durable on its own);
 * DynamoDB and S3 must not need it: what they acknowledged is on disk when they answer.
 */
const root = mkdtempSync(path.join(tmpdir(), 'streamtally-durability-'));
const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.stop()));
  rmSync(root, { recursive: true, force: true });
});

async function killAndRestart(emulator: RunningEmulator, start: () => Promise<RunningEmulator>): Promise<RunningEmulator> {
  process.kill(emulator.pid, 'SIGKILL');
  for (let waited = 0; waited < 5_000; waited += 50) {
    try {
      process.kill(emulator.pid, 0);
      await sleep(50);
    } catch {
      break;
    }
  }
  const restarted = await start();
  running.push(restarted);
  return restarted;
}

describe('emulators killed right after they acknowledged writes', () => {
  it('dynalite keeps every item it acknowledged', async () => {
    const start = () => startDynamoEmulator({ dataDir: path.join(root, 'dynamodb') });
    const first = await start();
    running.push(first);
    const client = new DynamoDBClient(localClientConfig(first.endpoint));
    await client.send(
      new CreateTableCommand({
        TableName: 'durable',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    while ((await client.send(new DescribeTableCommand({ TableName: 'durable' }))).Table?.TableStatus !== 'ACTIVE') await sleep(50);
    for (let n = 0; n < 200; n++) await client.send(new PutItemCommand({ TableName: 'durable', Item: { pk: { S: `item-${n}` } } }));
    client.destroy();
    const second = await killAndRestart(first, start);
    const after = new DynamoDBClient(localClientConfig(second.endpoint));
    expect((await after.send(new ScanCommand({ TableName: 'durable', ConsistentRead: true }))).Items).toHaveLength(200);
    after.destroy();
  }, 60_000);

  it('s3rver keeps every object it acknowledged', async () => {
    const start = () => startS3Emulator({ dataDir: path.join(root, 's3') });
    const first = await start();
    running.push(first);
    const client = new S3Client({ ...localClientConfig(first.endpoint), forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: 'durable' }));
    for (let n = 0; n < 100; n++) await client.send(new PutObjectCommand({ Bucket: 'durable', Key: `object-${n}`, Body: `body ${n}` }));
    client.destroy();
    const second = await killAndRestart(first, start);
    const after = new S3Client({ ...localClientConfig(second.endpoint), forcePathStyle: true });
    expect((await after.send(new ListObjectsV2Command({ Bucket: 'durable' }))).KeyCount).toBe(100);
    after.destroy();
  }, 60_000);
});
