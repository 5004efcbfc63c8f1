/**
 * The end-to-end suite, the same for every target: `npm run test:e2e -- --target
 * local|localstack|aws` (scripts/e2e.ts); `npm test` and CI run it on `local`.
 *
 * It sends events whose aggregates are known exactly, through `streamtally produce
 * --file` and through the plain AWS SDK, waits, and checks `query`, `offsets` and
 * `quarantine` through the CLI, which finds the stack the same way on every target
 * (stack outputs, or the local state file). Checks a target cannot support are
 * skipped with the reason in their name, never passed. Everything the run writes is
 * namespaced by its run id, and the run deletes it at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetName } from '../../src/cli/targets/Target';
import type { CloudFormationTemplate } from '../../src/local/template';
import type { AggregateRow } from '../../src/query/readAggregates';
import { cleanUpRun } from './support/cleanUpRun';
import { settingsFromEnv } from './support/e2eSettings';
import { GRANULARITIES, newRunId, planRunEvents, type Granularity, type RunEvents } from './support/runEvents';
import { openTarget, type CliResult, type TargetFixture } from './support/targetFixture';

const settings = settingsFromEnv(process.env);
const remote = settings.target !== TargetName.local;
/** How long the stack may take to show a result (a cold Lambda on LocalStack or AWS takes longer). */
const WAIT_MS = remote ? 180_000 : 60_000;
const TEST_TIMEOUT_MS = WAIT_MS + 60_000;

/** What each target cannot do, and why; a check listed here is skipped with the reason in its name. */
const UNSUPPORTED: Record<TargetName, Partial<Record<'bisect' | 'parallelization' | 'iteratorAge', string>>> = {
  local: {},
  aws: {},
  localstack: {
    bisect: "LocalStack's Kinesis event source mapping ignores BisectBatchOnFunctionError",
    parallelization: "LocalStack's Kinesis event source mapping ignores ParallelizationFactor",
    iteratorAge: 'LocalStack emits no IteratorAge metric, so the lag alarms never get data',
  },
};
const unsupported = UNSUPPORTED[settings.target];
const named = (title: string, capability: keyof (typeof UNSUPPORTED)['localstack']): string => {
  const reason = unsupported[capability];
  return reason ? `${title} [skipped on ${settings.target}: ${reason}]` : title;
};

describe(`streamtally end to end on the ${settings.target} target`, () => {
  let fixture: TargetFixture;
  let run: RunEvents;
  let workDir: string;
  /** Per shard, the highest sequence number the run's SDK records got. */
  const lastSequenceOfShard = new Map<string, bigint>();
  let produced: CliResult;
  let cleanedUp = false;

  beforeAll(async () => {
    fixture = await openTarget(settings);
    run = planRunEvents(newRunId(), Date.now());
    workDir = mkdtempSync(path.join(tmpdir(), 'streamtally-e2e-run-'));

    // The SDK records first: /a and a producer retry, then its late, future and invalid records on /a's shard.
    for (const records of [run.sdkRecords, run.badRecords]) {
      const put = await fixture.target.kinesis.send(
        new PutRecordsCommand({ StreamName: fixture.target.resources.streamName, Records: [...records] }),
      );
      expect(put.FailedRecordCount ?? 0, JSON.stringify(put.Records?.filter((entry) => entry.ErrorCode))).toBe(0);
      for (const entry of put.Records ?? []) noteSequence(entry);
    }
    // Then the file, through the CLI.
    const file = path.join(workDir, 'events.ndjson');
    writeFileSync(file, run.ndjson);
    produced = await fixture.cli(['produce', '--file', file, '--json']);
  }, 300_000);

  afterAll(async () => {
    try {
      if (fixture && run && !cleanedUp) await cleanUpRun(fixture.target, run);
    } finally {
      await fixture?.close();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
  }, 120_000);

  function noteSequence(entry: PutRecordsResultEntry): void {
    if (!entry.ShardId || !entry.SequenceNumber) return;
    const sequence = BigInt(entry.SequenceNumber);
    if ((lastSequenceOfShard.get(entry.ShardId) ?? -1n) < sequence) lastSequenceOfShard.set(entry.ShardId, sequence);
  }

  /** `streamtally <args> --json`, parsed; a non-zero exit fails the test with the command's stderr. */
  async function cliJson<T>(args: readonly string[]): Promise<T> {
    const result = await fixture.cli([...args, '--json']);
    expect(result.status, `streamtally ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  async function queryWindow(granularity: Granularity, extra: readonly string[] = []): Promise<AggregateRow[]> {
    const windowStart = new Date(Math.floor(run.minuteStartMs / GRANULARITIES[granularity]) * GRANULARITIES[granularity]).toISOString();
    const output = await cliJson<{ type: string; window: string; rows: AggregateRow[] }>([
      'query',
      '--type',
      run.type,
      '--window',
      granularity,
      '--from',
      windowStart,
      '--to',
      windowStart,
      ...extra,
    ]);
    expect(output).toMatchObject({ type: run.type, window: granularity });
    return output.rows;
  }

  it('produce --file sends every event of the file and reports it', () => {
    expect(produced.status, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stdout)).toMatchObject({
      source: 'file',
      events: run.fileEvents,
      sent: run.fileEvents,
      failed: 0,
      badLines: 0,
    });
  });

  it(
    'query --json gives the exact count, sum, min and max of every key in every window granularity, with the producer retry counted once',
    async () => {
      const total = run.expectedRows['1m'].reduce((sum, row) => sum + row.count, 0);
      const rows = await eventually(
        () => queryWindow('1m'),
        (found) => found.reduce((sum, row) => sum + row.count, 0) >= total,
        WAIT_MS,
      );
      expect(rows).toEqual(run.expectedRows['1m']);
      for (const granularity of ['1h', '1d'] as const)
        expect(await queryWindow(granularity), granularity).toEqual(run.expectedRows[granularity]);
      expect(await queryWindow('1h', ['--key', '/c'])).toEqual(run.expectedRows['1h'].filter((row) => row.key === '/c'));
    },
    TEST_TIMEOUT_MS,
  );

  it('query --top 1 gives the key with the highest count in the window', async () => {
    const at = new Date(run.minuteStartMs + 30_000).toISOString();
    const top = await cliJson<{ rows: AggregateRow[] }>(['query', '--type', run.type, '--window', '1m', '--top', '1', '--at', at]);
    expect(top.rows).toEqual([run.expectedRows['1m'][0]]);
  });

  it(
    "quarantine list holds exactly the run's late, future and invalid records, with reason, message, shard and raw bytes",
    async () => {
      type Listed = { reason: string; message: string; shardId: string; sequenceNumber: string; data: string };
      const ours = (records: Listed[]) =>
        records.filter((record) => Buffer.from(record.data, 'base64').toString('utf8').includes(run.runId));
      const records = await eventually(
        async () => ours((await cliJson<{ records: Listed[] }>(['quarantine', 'list'])).records),
        (found) => found.length >= run.expectedQuarantine.length,
        WAIT_MS,
      );
      const found = records
        .map((record) => ({ reason: record.reason, data: Buffer.from(record.data, 'base64').toString('utf8') }))
        .sort((x, y) => x.reason.localeCompare(y.reason));
      expect(found).toEqual(run.expectedQuarantine);
      for (const record of records) {
        expect(record.message, record.reason).toMatch(/\S/);
        expect(lastSequenceOfShard.has(record.shardId), `shard ${record.shardId}`).toBe(true);
        expect(BigInt(record.sequenceNumber) <= lastSequenceOfShard.get(record.shardId)!).toBe(true);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "offsets shows every shard the run wrote to checkpointed at or after the run's last record there",
    async () => {
      type Shard = {
        shardId: string;
        checkpoint: string | null;
        checkpointArrivalTime: string | null;
        lagRecords: number;
        lagMs: number | null;
      };
      const behind = (shards: Shard[]) =>
        [...lastSequenceOfShard].filter(([shardId, last]) => {
          const checkpoint = shards.find((shard) => shard.shardId === shardId)?.checkpoint;
          return checkpoint == null || BigInt(checkpoint) < last;
        });
      const consumers = await eventually(
        async () => (await cliJson<{ consumers: { consumer: string; shards: Shard[] }[] }>(['offsets'])).consumers,
        (found) => found.length === 1 && behind(found[0]!.shards).length === 0,
        WAIT_MS,
      );
      expect(consumers.map((consumer) => consumer.consumer)).toEqual(['aggregator']);
      const shards = consumers[0]!.shards;
      expect(behind(shards)).toEqual([]);
      for (const shardId of lastSequenceOfShard.keys()) {
        const shard = shards.find((candidate) => candidate.shardId === shardId)!;
        expect(Date.parse(shard.checkpointArrivalTime ?? ''), shardId).toBeGreaterThan(run.minuteStartMs - 60_000);
        expect(shard.lagRecords, shardId).toBeGreaterThanOrEqual(0);
      }
      if (!remote)
        expect(
          shards.every((shard) => shard.lagRecords === 0),
          JSON.stringify(shards),
        ).toBe(true); // nothing else writes to the local stack
    },
    TEST_TIMEOUT_MS,
  );

  it('query still gives the same exact counts once every shard is checkpointed past the run', async () => {
    for (const granularity of Object.keys(GRANULARITIES) as Granularity[])
      expect(await queryWindow(granularity), granularity).toEqual(run.expectedRows[granularity]);
  });

  describe('what the event source mapping is deployed with (read from the template the target runs)', () => {
    let template: CloudFormationTemplate;
    beforeAll(async () => {
      template = await fixture.deployedTemplate();
    });
    const resourcesOf = (type: string) =>
      Object.entries(template.Resources ?? {})
        .filter(([, resource]) => (resource as { Type: string }).Type === type)
        .map(([id, resource]) => ({
          id,
          properties: ((resource as { Properties?: Record<string, unknown> }).Properties ?? {}) as Record<string, any>,
        }));

    it.skipIf(Boolean(unsupported.bisect))(
      named('a failing batch is bisected, retried and then sent to the on-failure destination, with partial batch responses', 'bisect'),
      () => {
        const [mapping] = resourcesOf('AWS::Lambda::EventSourceMapping');
        expect(mapping?.properties).toMatchObject({ BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'] });
        expect(mapping!.properties.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
        expect(mapping!.properties.DestinationConfig?.OnFailure?.Destination).toBeDefined();
      },
    );

    it.skipIf(Boolean(unsupported.parallelization))(
      named('the consumer runs with the parallelization factor its mapping has', 'parallelization'),
      () => {
        const [mapping] = resourcesOf('AWS::Lambda::EventSourceMapping');
        const fn = resourcesOf('AWS::Lambda::Function').find((candidate) => candidate.id === mapping!.properties.FunctionName?.Ref);
        const environment = fn!.properties.Environment.Variables as Record<string, string>;
        expect(Number(environment.PARALLELIZATION_FACTOR)).toBe(mapping!.properties.ParallelizationFactor ?? 1);
        if ((mapping!.properties.ParallelizationFactor ?? 1) > 1) expect(environment.DEDUP_PRODUCER_IDS).toBe('true');
      },
    );

    it.skipIf(Boolean(unsupported.iteratorAge))(named('consumer lag: the IteratorAge alarms watch the consumer', 'iteratorAge'), () => {
      const [mapping] = resourcesOf('AWS::Lambda::EventSourceMapping');
      const functionId = mapping!.properties.FunctionName?.Ref as string;
      const lagAlarms = resourcesOf('AWS::CloudWatch::Alarm').filter((alarm) => alarm.properties.MetricName === 'IteratorAge');
      expect(lagAlarms.length).toBeGreaterThanOrEqual(2);
      for (const alarm of lagAlarms) {
        expect(alarm.properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          Statistic: 'Maximum',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
        });
      }
    });
  });

  it('deletes what the run wrote (its aggregates, leaderboards, claims and quarantined records), and nothing else', async () => {
    const report = await cleanUpRun(fixture.target, run);
    cleanedUp = true;
    expect(report).toEqual({ aggregates: 9, leaderboards: 3, claims: run.ids.length, quarantined: run.expectedQuarantine.length });
    for (const granularity of Object.keys(GRANULARITIES) as Granularity[]) expect(await queryWindow(granularity), granularity).toEqual([]);
    const listed = await cliJson<{ records: { data: string }[] }>(['quarantine', 'list']);
    expect(listed.records.filter((record) => Buffer.from(record.data, 'base64').toString('utf8').includes(run.runId))).toEqual([]);
    if (!remote) {
      // The local stack holds nothing but this run: what is left is the consumer's checkpoints and seen-id ledger.
      const { aggregatesTable, checkpointTable } = fixture.target.resources;
      expect((await fixture.target.dynamo.send(new ScanCommand({ TableName: aggregatesTable, Select: 'COUNT' }))).Count).toBe(0);
      const left = await fixture.target.dynamo.send(new ScanCommand({ TableName: checkpointTable }));
      expect(left.Count).toBeGreaterThan(0);
      expect(new Set((left.Items ?? []).map((item) => item.pk?.S?.split('#')[0]))).toEqual(new Set(['checkpoint', 'seen']));
    }
  });
});

/** Calls `read` until `done` holds of its result or `timeoutMs` passes; returns the last result. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
