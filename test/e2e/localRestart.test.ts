import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { startLocalRuntime, type LocalRuntime } from '../../src/local/runtime/startLocalRuntime';
import { readCloudAssembly } from '../../src/local/template';

/**
 * `local up`, send, `local down`, `local up` again on the same project: the
 * event source mapping is the same mapping (same UUID) and resumes after what
 * it finished, as on AWS, instead of reading the stream from TRIM_HORIZON again.
 */

const STAGE = 'e2e';
const stackName = `Streamtally-${STAGE}`;
const app = new App();
new StreamtallyStack(app, stackName, { config: resolveConfig({ stage: STAGE }) });
const { directory } = app.synth();
const { assemblyDir } = readCloudAssembly(directory, stackName);
const projectRoot = mkdtempSync(path.join(tmpdir(), 'streamtally-restart-'));
symlinkSync(assemblyDir, path.join(projectRoot, 'cdk.out'));
const log: string[] = [];
let runtime: LocalRuntime | undefined;

afterAll(async () => {
  await runtime?.stop();
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(directory, { recursive: true, force: true });
});

function up(): Promise<LocalRuntime> {
  return startLocalRuntime({ projectRoot, stackName, log: (line) => log.push(line), alarmIntervalMs: 0 });
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the runtime's last lines:\n${log.slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function send(stack: LocalRuntime, count: number): Promise<void> {
  const ts = new Date().toISOString();
  const result = await stack.clients.kinesis.send(
    new PutRecordsCommand({
      StreamName: stack.state.resources.streamName,
      Records: Array.from({ length: count }, (_, i) => ({
        Data: Buffer.from(JSON.stringify({ id: randomUUID(), type: 'page_view', key: `/page/${i % 4}`, ts })),
        PartitionKey: `p${i}`,
      })),
    }),
  );
  expect(result.FailedRecordCount ?? 0).toBe(0);
}

const succeeded = (stack: LocalRuntime) =>
  stack.mappingStates()[0]?.shards.reduce((sum, shard) => sum + (shard.recordsSucceeded ?? 0), 0) ?? 0;
const invocations = (stack: LocalRuntime) =>
  stack.metrics.values(
    { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: { FunctionName: stack.mappingStates()[0]?.functionName ?? '' } },
    0,
    Number.MAX_SAFE_INTEGER,
  ).length;

/** Every record the stream holds, from TRIM_HORIZON, over all shards. */
async function recordsInStream(stack: LocalRuntime): Promise<number> {
  const kinesis = stack.clients.kinesis;
  const StreamName = stack.state.resources.streamName;
  let total = 0;
  for (const shard of (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? []) {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    for (let page = 0; iterator && page < 20; page++) {
      const response = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      total += response.Records?.length ?? 0;
      if ((response.Records?.length ?? 0) === 0) break;
      iterator = response.NextShardIterator;
    }
  }
  return total;
}

describe('local up, down, up: the event source mapping keeps its UUID and its position', () => {
  it('resumes after the records it finished, under the same UUID', async () => {
    // Prepare: a first run that processes 20 events
    const first = await up();
    runtime = first;
    const uuid = first.mappingStates()[0]?.uuid;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    await send(first, 20);
    await waitFor('the first 20 events processed', () => succeeded(first) === 20);
    await first.stop();
    runtime = undefined;
    const checkpointDirectory = path.join(projectRoot, '.streamtally', 'data', 'esm');

    // Act: up again on the same data directory
    const second = await up();
    runtime = second;
    expect(await recordsInStream(second)).toBe(20); // the old records are still in the stream: resuming is what skips them
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Assess: the same mapping, not re-invoked with the old records; new records are delivered
    expect(second.mappingStates()[0]?.uuid).toBe(uuid);
    expect(invocations(second)).toBe(0);
    expect(succeeded(second)).toBe(0);
    await send(second, 5);
    await waitFor('the 5 new events processed', () => succeeded(second) === 5);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(succeeded(second)).toBe(5);
    expect(existsSync(checkpointDirectory)).toBe(true);
    const persisted = JSON.parse(readFileSync(path.join(checkpointDirectory, readdirOne(checkpointDirectory)), 'utf8')) as { uuid: string };
    expect(persisted.uuid).toBe(uuid);
  });
});

function readdirOne(directory: string): string {
  const entries = readdirSync(directory).filter((name) => name.endsWith('.json'));
  if (entries.length !== 1) throw new Error(`expected one checkpoint file in ${directory}, found ${entries.join(', ') || 'none'}`);
  return entries[0] as string;
}
