import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { isCellPagePk } from '../../core';
import { pageCellItems } from '../../lambdas/aggregator/store/readCells';
import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, readLocalState } from '../../src/local/state';
import { SyntheticEvents } from '../../src/synthetic';
import { synthesizedAssembly, type SynthesizedAssembly } from '../unit/local/support/synthesizedAssembly';

/*
 * The local stack at volume: 50,000 valid events put through `streamtally local up` with
 * the plain AWS SDK (PutRecords of 500), then every (type, key) total of the coarsest
 * window read back from DynamoDB must be exactly what was sent: none lost, none twice.
 */

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'streamtally.js');
const EVENTS = 50_000;
// Generous: the test is about exactness, not speed (the bench measures that); dynalite's request rate bounds
// the drain (BENCHMARKS.md §9), and in a full `npm test` other files compete for the same cores.
const DRAIN_TIMEOUT_MS = 600_000;
const sdk = { credentials: { accessKeyId: 'any', secretAccessKey: 'any' }, requestHandler: new NodeHttpHandler() };

describe('streamtally local up at volume', () => {
  let assembly: SynthesizedAssembly;
  let project: string;
  let stack: ChildProcess | undefined;

  beforeAll(() => {
    assembly = synthesizedAssembly({ shardCount: 2 }, 'Streamtally-dev');
    project = mkdtempSync(path.join(tmpdir(), 'streamtally-volume-'));
    symlinkSync(assembly.assemblyDir, path.join(project, 'cdk.out'));
  });

  afterAll(async () => {
    if (stack?.pid && isProcessAlive(stack.pid)) {
      stack.kill('SIGTERM');
      await new Promise((resolve) => (stack!.exitCode === null ? stack!.once('exit', resolve) : resolve(undefined)));
    }
    rmSync(project, { recursive: true, force: true });
    assembly.remove();
  });

  it(
    `aggregates ${EVENTS.toLocaleString('en-US')} events put with the plain SDK, every one exactly once`,
    async () => {
      const log = path.join(project, 'local-up.log');
      stack = spawn(process.execPath, [CLI, 'local', 'up'], { cwd: project, stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')] });
      await waitUntil(
        () => readFileSync(log, 'utf8').includes('READY '),
        120_000,
        () => `no READY; log:\n${readFileSync(log, 'utf8')}`,
      );
      const state = readLocalState(project);
      const kinesis = new KinesisClient({ ...sdk, endpoint: state.endpoints.kinesis, region: state.region });
      const dynamo = new DynamoDBClient({ ...sdk, endpoint: state.endpoints.dynamodb, region: state.region });
      try {
        const expected = new Map<string, number>();
        const events = new SyntheticEvents({ seed: 5050, runId: `volume-${Date.now().toString(36)}`, keys: 200 });
        for (let sent = 0; sent < EVENTS; ) {
          const entries: PutRecordsRequestEntry[] = [];
          for (let i = 0; i < 500 && sent + entries.length < EVENTS; i++) {
            const item = events.next(Date.now());
            if (item.kind !== 'event') throw new Error('this workload has only valid events');
            const slot = `${item.event.type}|${item.event.key}`;
            expected.set(slot, (expected.get(slot) ?? 0) + 1);
            entries.push({ Data: Buffer.from(JSON.stringify(item.event)), PartitionKey: item.event.key });
          }
          const answer = await kinesis.send(new PutRecordsCommand({ StreamName: state.resources.streamName, Records: entries }));
          // A throttled record would be sent again by a real producer; this loop has no retries to keep the count certain.
          expect(answer.FailedRecordCount ?? 0).toBe(0);
          sent += entries.length;
        }
        let totals = new Map<string, number>();
        await waitUntil(
          async () => {
            totals = await totalsByTypeAndKey(dynamo, state.resources.aggregatesTable, '1d');
            return sum(totals) >= EVENTS;
          },
          DRAIN_TIMEOUT_MS,
          () => `${sum(totals)} of ${EVENTS} events aggregated after ${DRAIN_TIMEOUT_MS / 1000} s`,
        );
        // Settled: a late double count would show up after the total first reached EVENTS.
        await sleep(3_000);
        totals = await totalsByTypeAndKey(dynamo, state.resources.aggregatesTable, '1d');
        expect(sum(totals)).toBe(EVENTS);
        expect(Object.fromEntries([...totals].sort())).toEqual(Object.fromEntries([...expected].sort()));
      } finally {
        kinesis.destroy();
        dynamo.destroy();
      }
    },
    DRAIN_TIMEOUT_MS + 240_000,
  );
});

/** Sum of `count` per type and key over the items of one granularity (each event is in exactly one window of it). */
async function totalsByTypeAndKey(dynamo: DynamoDBClient, table: string, granularity: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        FilterExpression: 'granularity = :g',
        ProjectionExpression: '#pk, #type, #key, #count, #cells',
        ExpressionAttributeNames: { '#pk': 'pk', '#type': 'type', '#key': 'key', '#count': 'count', '#cells': 'cells' },
        ExpressionAttributeValues: { ':g': { S: granularity } },
        ExclusiveStartKey,
      }),
    );
    for (const stored of page.Items ?? []) {
      // A window's cell page holds its first keys' counts (core/cellPages.ts).
      for (const item of isCellPagePk(stored.pk?.S ?? '') ? pageCellItems(stored) : [stored]) {
        const slot = `${item.type?.S}|${item.key?.S}`;
        totals.set(slot, (totals.get(slot) ?? 0) + Number(item.count?.N ?? 0));
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return totals;
}

function sum(totals: Map<string, number>): number {
  let total = 0;
  for (const count of totals.values()) total += count;
  return total;
}

async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, describeFailure: () => string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(500)) if (await done()) return;
  throw new Error(describeFailure());
}
