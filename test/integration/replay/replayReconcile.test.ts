import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  aggregatePk,
  checkpointPk,
  parseAggregatePk,
  windowSk,
  parseGranularities,
  type ItemDelta,
  padSequenceNumber,
} from '../../../core';
import { reconcileCommand, type ReconcileEnvironment } from '../../../src/cli/commands/reconcile';
import { replayCommand, type ReplayEnvironment } from '../../../src/cli/commands/replay';
import { DynamoAggregateStore } from '../../../lambdas/aggregator/store/DynamoAggregateStore';
import { compareAggregates } from '../../../src/reconcile/compareAggregates';
import { repairItem } from '../../../src/reconcile/repairItem';
import { repairPageWindow } from '../../../src/reconcile/repairPage';
import { aggregateStore } from '../../../lambdas/aggregator/store/createBatchPorts';
import { runReconcile } from '../../../src/reconcile/runReconcile';
import { scanAggregateItems } from '../../../src/reconcile/scanAggregateItems';
import { runReplay } from '../../../src/replay/runReplay';
import { shadowTableName } from '../../../src/replay/shadowNames';
import { createShadowTable } from '../../../src/replay/shadowTable';
import { readCheckpoints } from '../../../src/offsets/readCheckpoints';
import { dynamoClient, s3Client } from '../../support/clients';
import { expectedAggregates, type AggregateRow } from '../support/expectedAggregates';
import { scanAggregates } from '../support/readBack';
import { driftInjector, LAYOUTS } from './support/injectDrift';
import { ceilTo, eventRecord, makeEvents, recordsFor, type TestEvent } from './support/events';
import { eventIdOf, LiveConsumer } from './support/liveConsumer';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { createTestStack, liveConfig, putRecords, SETTINGS, splitOnlyShard, WINDOWS, type TestStack } from './support/replayFixture';
import { UserError } from '../../../src/cli/errors';

const MINUTE = 60_000;
const GRANULARITIES = parseGranularities(WINDOWS);

interface DriftJson {
  kind: string;
  type: string;
  key: string;
  granularity: string;
  windowStart: string;
  live: { count: number; sum: string; min: number; max: number } | null;
  shadow: { count: number; sum: string; min: number; max: number } | null;
  repair?: string;
}
interface ReconcileJson {
  scope: { from: string; until: string | null };
  compared: number;
  drift: DriftJson[];
  remaining: number;
}

describe('replay and reconcile against kinesalite, dynalite and s3rver', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const s3 = s3Client(inject('s3Endpoint'));
  let kinesisFixture: TestKinesis;
  let projectRoot: string;

  beforeAll(async () => {
    kinesisFixture = await startTestKinesis();
    projectRoot = mkdtempSync(path.join(tmpdir(), 'streamtally-replay-project-'));
  });

  afterAll(async () => {
    await kinesisFixture?.close();
    rmSync(projectRoot, { recursive: true, force: true });
  });

  function environment(stack: TestStack, progress?: (line: string) => void) {
    const stderr: string[] = [];
    let interrupt: (() => void) | undefined;
    const env: ReplayEnvironment & ReconcileEnvironment = {
      resolveTarget: async () => ({
        name: 'test',
        resources: {
          streamName: stack.streamName,
          aggregatesTable: stack.aggregatesTable,
          checkpointTable: stack.checkpointTable,
          quarantineBucket: stack.quarantineBucket,
        },
        dynamo,
        kinesis: kinesisFixture.kinesis,
      }),
      projectRoot,
      progress,
      stderr: (text) => stderr.push(text),
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => (interrupt = undefined);
      },
    };
    return { env, stderr, interrupt: () => interrupt?.() };
  }

  async function cli(
    command: typeof replayCommand | typeof reconcileCommand,
    argv: string[],
    env: ReplayEnvironment,
  ): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    try {
      await command(argv, (text) => lines.push(text), env);
      return { code: 0, lines };
    } catch (error) {
      if (error instanceof UserError) return { code: error.exitCode, lines: [...lines, `streamtally: ${error.message}`] };
      throw error;
    }
  }

  for (const layout of LAYOUTS) {
    it(`${layout.name}: names exactly the injected drift (deleted item, corrupted count, extra item, dropped batch) after a resharded, interrupted and resumed replay; --repair makes the live aggregates equal a recomputation from scratch, and they stay so under a full re-delivery`, async () => {
      // Prepare: a one-shard stream split in two halfway (a closed parent and two children), events one second of event time apart.
      const stack = await createTestStack({ kinesis: kinesisFixture.kinesis, dynamo, s3 }, 1);
      const t0 = Date.now();
      const fromMs = t0 - 10 * MINUTE;
      // Complete windows start 5 minutes (the clock skew) after --from: the events start at the first 2-minute window there.
      const base = ceilTo(fromMs + 5 * MINUTE, 2 * MINUTE);
      const events = makeEvents(230, base);
      await putRecords(kinesisFixture.kinesis, stack.streamName, recordsFor(events, 0, 120, [33]));
      await splitOnlyShard(kinesisFixture.kinesis, stack.streamName);
      // kinesalite dates a split's children a second ahead, so records put into them arrive up to a second from now.
      const childrenDatedUntil = Date.now() + 1_000;
      // A producer retry of an event that went to the parent, now landing in a child: one count, across shards.
      await putRecords(kinesisFixture.kinesis, stack.streamName, [eventRecord(events[118]!, true), ...recordsFor(events, 120, 230, [150])]);

      // The live consumer, which loses one batch: e40..e59 never reach the aggregates.
      const dropped = new Set(Array.from({ length: 20 }, (_, i) => `e${40 + i}`));
      const live = new LiveConsumer(
        kinesisFixture.kinesis,
        stack.streamName,
        stack.livePorts('aggregator', layout.pageBudgetBytes),
        liveConfig(),
        {
          batchSize: 25,
          pollMs: 10,
          drop: (record) => dropped.has(eventIdOf(record) ?? ''),
        },
      );
      await live.run(() => true);

      // Inject the rest of the drift, where the cells live.
      const itemKey = (type: string, granularity: string, key: string, windowStartMs: number) => ({
        pk: { S: aggregatePk(type, granularity, key) },
        sk: { S: windowSk(windowStartMs) },
      });
      const deleted = itemKey('search', '1m', 'k2', base + MINUTE);
      const corrupted = itemKey('page_view', '1m', 'k1', base);
      const outOfScope = itemKey('page_view', '1m', 'k3', base + 3 * MINUTE);
      const inject = driftInjector(dynamo, stack.aggregatesTable, layout.pageBudgetBytes > 0);
      await inject.remove({ type: 'search', granularity: '1m', key: 'k2', windowStartMs: base + MINUTE });
      await inject.add({ type: 'page_view', granularity: '1m', key: 'k1', windowStartMs: base }, 7);
      await inject.add({ type: 'page_view', granularity: '1m', key: 'k3', windowStartMs: base + 3 * MINUTE }, 100);
      const ghostWindow = base + 2 * MINUTE;
      await inject.putGhost({ type: 'page_view', granularity: '1m', key: 'ghost', windowStartMs: ghostWindow }, 3);
      const liveBefore = await scanAggregates(dynamo, stack.aggregatesTable);
      const expected = expectedAggregates(countedEvents(events), WINDOWS);

      // Act 1: replay, interrupted at its first page (a terminal's progress bar is drawn), then resumed.
      const flags = [
        '--from',
        new Date(fromMs).toISOString(),
        '--shadow',
        'drift',
        '--windows',
        WINDOWS,
        '--allowed-lateness',
        '20s',
        '--batch-size',
        '25',
      ];
      // The replay reads to its start: after every record put here has arrived.
      await sleep(Math.max(0, childrenDatedUntil + 50 - Date.now()));
      const bars: string[] = [];
      const first = environment(stack, (line) => {
        bars.push(line);
        first.interrupt();
      });
      const interrupted = await cli(replayCommand, flags, first.env);
      expect(interrupted.code, interrupted.lines.join('\n')).toBe(130);
      expect(bars[0]).toMatch(/^\[[#-]{24}\] +\d+% {2}shards \d\/3 {2}records [\d,]+ \([\d,]+\/s\) {2}ETA /);
      const resumedRun = await cli(replayCommand, [...flags, '--json'], environment(stack).env);
      expect(resumedRun.code, resumedRun.lines.join('\n')).toBe(0);
      const replay = JSON.parse(resumedRun.lines[0]!) as {
        resumed: boolean;
        complete: boolean;
        shards: { shardId: string; stoppedBy: string }[];
        records: number;
        duplicates: number;
        quarantined: { invalid: number };
      };
      expect(replay).toMatchObject({ resumed: true, complete: true });
      // Closed parent read to its end; both children to their tip.
      expect(replay.shards.map((shard) => shard.stoppedBy)).toEqual(['end', 'tip', 'tip']);
      expect(replay.duplicates).toBe(recordsFor(events, 0, 230).filter((record) => record.retry).length + 1);
      expect(replay.quarantined.invalid).toBe(2);

      // Act 2: reconcile, report only.
      const report = await cli(reconcileCommand, ['--shadow', 'drift', '--json'], environment(stack).env);
      expect(report.code).toBe(1);
      const found = JSON.parse(report.lines[0]!) as ReconcileJson;

      // Assess: the scope starts at --from + the clock skew and ends 20 s (the lateness) before the children's watermarks.
      expect(found.scope.from).toBe(new Date(fromMs + 5 * MINUTE).toISOString());
      const until = Date.parse(found.scope.until!);
      expect(until).toBeGreaterThanOrEqual(base + 180_000);
      expect(until).toBeLessThanOrEqual(base + 209_000);
      const inScope = (id: string) => scopeOf(id, Date.parse(found.scope.from), until);
      const expectedDrift = new Map<string, DriftJson['kind']>();
      for (const id of new Set([...liveBefore.keys(), ...expected.keys()])) {
        if (!inScope(id)) continue;
        const [liveRow, expectedRow] = [liveBefore.get(id), expected.get(id)];
        if (!liveRow) expectedDrift.set(id, 'missing');
        else if (!expectedRow) expectedDrift.set(id, 'extra');
        else if (!sameRow(liveRow, expectedRow)) expectedDrift.set(id, 'different');
      }
      const reported = new Map(
        found.drift.map((drift) => [`${aggregatePk(drift.type, drift.granularity, drift.key)}|${drift.windowStart}`, drift]),
      );
      expect(new Map([...reported].map(([id, drift]) => [id, drift.kind]))).toEqual(expectedDrift);
      // Every injected drift is in it, the out-of-scope one is not, and the dropped batch shows in its windows.
      const id = (key: { pk: { S: string }; sk: { S: string } }) => `${key.pk.S}|${key.sk.S}`;
      expect(expectedDrift.get(id(deleted))).toBe('missing');
      expect(expectedDrift.get(id(corrupted))).toBe('different');
      expect(expectedDrift.get(id(itemKey('page_view', '1m', 'ghost', ghostWindow)))).toBe('extra');
      expect(expectedDrift.has(id(outOfScope))).toBe(false);
      expect(expectedDrift.get(`${aggregatePk('page_view', '2m', 'k5')}|${windowSk(base)}`)).toBe('different');
      // Both values of each drifted item, as read.
      for (const [driftId, drift] of reported) {
        expect(drift.live && { count: drift.live.count, sum: drift.live.sum, min: drift.live.min, max: drift.live.max }).toEqual(
          liveBefore.get(driftId) ?? null,
        );
        expect(drift.shadow).toEqual(expected.get(driftId) ?? null);
      }

      // Act 3: repair.
      const repair = await cli(reconcileCommand, ['--shadow', 'drift', '--repair', '--json'], environment(stack).env);
      expect(repair.code, repair.lines.join('\n')).toBe(0);
      const repaired = JSON.parse(repair.lines[0]!) as ReconcileJson;
      expect(repaired.drift.map((drift) => drift.repair)).toEqual(repaired.drift.map(() => 'repaired'));

      // Assess: the live aggregates equal a recomputation from scratch, but for the drift outside the complete windows, left alone.
      const liveAfter = await scanAggregates(dynamo, stack.aggregatesTable);
      const expectedAfter = new Map(expected);
      expectedAfter.set(id(outOfScope), liveBefore.get(id(outOfScope))!);
      expect(liveAfter).toEqual(expectedAfter);
      const clean = await cli(reconcileCommand, ['--shadow', 'drift'], environment(stack).env);
      expect(clean.code).toBe(0);
      expect(clean.lines.at(-1)).toBe('no drift: the live aggregates equal the replay');

      // The repaired items' high-water marks cover what the replay counted: the live consumer re-delivering the
      // whole stream from TRIM_HORIZON (its checkpoints reset, nothing dropped now) changes nothing.
      for (const shardId of (await readCheckpoints(dynamo, stack.checkpointTable, 'aggregator')).keys()) {
        await dynamo.send(
          new DeleteItemCommand({ TableName: stack.checkpointTable, Key: { pk: { S: checkpointPk('aggregator') }, sk: { S: shardId } } }),
        );
      }
      await new LiveConsumer(
        kinesisFixture.kinesis,
        stack.streamName,
        stack.livePorts('aggregator', layout.pageBudgetBytes),
        liveConfig(),
        { batchSize: 40, pollMs: 10 },
      ).run(() => true);
      expect(await scanAggregates(dynamo, stack.aggregatesTable)).toEqual(expectedAfter);

      // The shadow holds this replay: another range is refused, naming the way out; --drop removes it and its checkpoints.
      const other = await cli(
        replayCommand,
        ['--from', new Date(fromMs + 1000).toISOString(), '--shadow', 'drift', '--windows', WINDOWS, '--allowed-lateness', '20s'],
        environment(stack).env,
      );
      expect(other.code).toBe(2);
      expect(other.lines.at(-1)).toMatch(/^streamtally: replay: shadow "drift" holds another replay \(--from .+\); .+--restart/);
      const droppedShadow = await cli(replayCommand, ['--drop', '--shadow', 'drift'], environment(stack).env);
      expect(droppedShadow.lines).toEqual([expect.stringMatching(/^dropped shadow "drift" \(.+-shadow-drift\) and 3 checkpoint\(s\)$/)]);
      expect((await cli(reconcileCommand, ['--shadow', 'drift'], environment(stack).env)).lines.at(-1)).toMatch(
        /^streamtally: reconcile: there is no shadow "drift"/,
      );
    }, 60_000);

    it(`${layout.name}: replays and repairs while live traffic continues: no live update is lost, none is counted twice`, async () => {
      // Prepare: two shards; a producer that keeps sending; a live consumer that loses e10..e19 and is held at e150
      // until the repair starts, so that the repair replaces items the live consumer is still adding to.
      const stack = await createTestStack({ kinesis: kinesisFixture.kinesis, dynamo, s3 }, 2);
      const fromMs = Date.now() - 10 * MINUTE;
      const base = ceilTo(fromMs + 5 * MINUTE, 2 * MINUTE);
      const events = makeEvents(300, base);
      const records = recordsFor(events, 0, 300, [77]);
      const chunksSentAt: number[] = [];
      let producing = true;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const producer = (async () => {
        for (let start = 0; start < records.length; start += 10) {
          // The last chunks wait for the repair, so that traffic goes on during the whole replay and repair.
          if (start >= records.length - 30) await released;
          await putRecords(kinesisFixture.kinesis, stack.streamName, records.slice(start, start + 10));
          chunksSentAt.push(Date.now());
          await sleep(60);
        }
        producing = false;
      })();
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const eventNumber = (record: Parameters<typeof eventIdOf>[0]) => Number((eventIdOf(record) ?? 'e-1').slice(1));
      const live = new LiveConsumer(
        kinesisFixture.kinesis,
        stack.streamName,
        stack.livePorts('aggregator', layout.pageBudgetBytes),
        liveConfig(),
        {
          batchSize: 10,
          pollMs: 20,
          drop: (record) => eventNumber(record) >= 10 && eventNumber(record) < 20,
          beforeBatch: async (batch) => {
            if (batch.some((record) => eventNumber(record) >= 150)) {
              holding();
              await released;
            }
          },
        },
      );
      const consuming = live.run(() => !producing);

      // Act: once the live consumer is held and about 225 events are out, corrupt an early item and replay up to
      // now while the producer goes on; then release the consumer and repair at once.
      await held;
      while (chunksSentAt.length < 25) await sleep(20);
      const toMs = chunksSentAt[24]!;
      await driftInjector(dynamo, stack.aggregatesTable, layout.pageBudgetBytes > 0).add(
        { type: 'page_view', granularity: '1m', key: 'k1', windowStartMs: base },
        7,
      );
      const replay = await runReplay(
        {
          kinesis: kinesisFixture.kinesis,
          dynamo,
          streamName: stack.streamName,
          aggregatesTable: stack.aggregatesTable,
          checkpointTable: stack.checkpointTable,
        },
        { shadow: 'concurrent', fromMs, toMs, settings: SETTINGS, pageLimit: 50 },
      );
      expect(replay.interrupted).toBe(false);
      expect(producing, 'the producer is still sending while the replay ends').toBe(true);
      // The live consumer and the producer go on from the moment the drift is known, while it is repaired.
      const reconciled = await runReconcile(
        { dynamo, aggregatesTable: stack.aggregatesTable },
        { shadow: 'concurrent', repair: true, beforeRepair: () => release() },
      );
      await producer;
      await consuming;

      // Assess: the repair replaced the drifted items, among them some the live consumer had not caught up with
      // yet; afterwards the live aggregates equal the unique events exactly, in every window.
      const outcomes = [...(reconciled.repairs ?? new Map()).values()];
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.every((outcome) => outcome === 'repaired' || outcome === 'unchanged')).toBe(true);
      const driftIds = new Set(reconciled.drift.map((drift) => `${drift.pk}|${drift.sk}`));
      expect(driftIds.has(`${aggregatePk('page_view', '1m', 'k1')}|${windowSk(base)}`)).toBe(true);
      expect(
        reconciled.drift.some((drift) => drift.windowStart >= windowSk(base + 2 * MINUTE)),
        'items the live consumer was behind on',
      ).toBe(true);
      expect(await scanAggregates(dynamo, stack.aggregatesTable)).toEqual(expectedAggregates(events, WINDOWS));
      const after = await runReconcile({ dynamo, aggregatesTable: stack.aggregatesTable }, { shadow: 'concurrent' });
      expect(after.drift).toEqual([]);
    }, 60_000);
  }

  it('repairs one item under a concurrent live update: the stale write fails its condition, is re-read and retried; later live records add on top, earlier ones are skipped', async () => {
    // Prepare: the same item in the shadow (records 1..7 of one shard) and live (records 1..3), written by the consumer's own adapter.
    const stack = await createTestStack({ kinesis: kinesisFixture.kinesis, dynamo, s3 }, 1);
    const shadowTable = shadowTableName(stack.aggregatesTable, 'race');
    await createShadowTable(dynamo, stack.aggregatesTable, shadowTable);
    const shardId = 'shardId-000000000000';
    const liveStore = new DynamoAggregateStore(dynamo, stack.aggregatesTable);
    const shadowStore = new DynamoAggregateStore(dynamo, shadowTable);
    const windowStart = Date.parse('2026-11-26T10:00:00.000Z');
    const delta = (key: string, from: number, to: number): ItemDelta => ({
      address: {
        type: 'page_view',
        key,
        granularity: '1m',
        windowStartMs: windowStart,
        windowSizeMs: MINUTE,
        expiresAtSec: Math.ceil((windowStart + 8 * 86_400_000) / 1000),
      },
      shardId,
      contributions: Array.from({ length: to - from + 1 }, (_, i) => ({
        paddedSequence: padSequenceNumber(String(from + i)),
        valueNanos: 1_000_000_000n,
        value: 1,
        event: { id: `e${from + i}`, type: 'page_view', key, tsMs: windowStart, value: 1, valueNanos: 1_000_000_000n },
      })),
    });
    await shadowStore.apply(delta('/a', 1, 7));
    await liveStore.apply(delta('/a', 1, 3));
    await liveStore.apply(delta('/ahead', 1, 9));
    await shadowStore.apply(delta('/ahead', 1, 7));
    await liveStore.apply(delta('/extra', 2, 4));
    const [live, shadow] = await Promise.all([scanAggregateItems(dynamo, stack.aggregatesTable), scanAggregateItems(dynamo, shadowTable)]);
    const drift = compareAggregates(live, shadow, () => 'in').drift;
    expect(drift.map((entry) => [entry.key, entry.kind])).toEqual([
      ['/a', 'different'],
      ['/ahead', 'different'],
      ['/extra', 'extra'],
    ]);
    // A client that lets the live consumer apply records 4..5 (and on /extra, 5) between the repair's read and its write.
    const writes: string[] = [];
    const racing = {
      send: async (command: { input: { Key?: { pk?: { S?: string } }; ConditionExpression?: string } }) => {
        const pk = command.input.Key?.pk?.S ?? '';
        if (
          (command instanceof UpdateItemCommand || command instanceof DeleteItemCommand) &&
          command.input.ConditionExpression?.includes('#rcount')
        ) {
          writes.push(pk);
          if (writes.filter((written) => written === pk).length === 1)
            await liveStore.apply(pk.endsWith('/a') ? delta('/a', 4, 5) : delta('/extra', 5, 5));
        }
        return dynamo.send(command as never);
      },
    } as unknown as typeof dynamo;
    const context = { dynamo: racing, liveTable: stack.aggregatesTable, replayedUpTo: new Map([[shardId, padSequenceNumber('7')]]) };

    // Act
    const outcomes = [];
    for (const entry of drift) outcomes.push(await repairItem(context, entry));

    // Assess: /a and /extra needed a second attempt; /ahead holds record 9, which the replay never read, and is left alone.
    expect(outcomes).toEqual(['repaired', 'liveAhead', 'repaired']);
    expect(writes).toEqual([
      aggregatePk('page_view', '1m', '/a'),
      aggregatePk('page_view', '1m', '/a'),
      aggregatePk('page_view', '1m', '/extra'),
      aggregatePk('page_view', '1m', '/extra'),
    ]);
    const afterRepair = await scanAggregates(dynamo, stack.aggregatesTable);
    const id = (key: string) => `${aggregatePk('page_view', '1m', key)}|${windowSk(windowStart)}`;
    expect(afterRepair.get(id('/a'))).toEqual({ count: 7, sum: '7', min: 1, max: 1 });
    expect(afterRepair.get(id('/ahead'))).toEqual({ count: 9, sum: '9', min: 1, max: 1 });
    expect(afterRepair.has(id('/extra'))).toBe(false);
    // The live consumer reaches records 6..7 (in the replay's value: skipped) and 8 (new: added).
    await liveStore.apply(delta('/a', 6, 8));
    expect((await scanAggregates(dynamo, stack.aggregatesTable)).get(id('/a'))).toEqual({ count: 8, sum: '8', min: 1, max: 1 });
  });

  it('repairs a cell missing from a window page the live consumer is behind on: the page is stored full first, so the records the consumer reaches later go to the repaired item and are skipped', async () => {
    // Prepare: live, the page of one window holds /a (records 1..3); the replay also counted /b (records 4..5),
    // which the live consumer has not reached yet. Nothing else in the window drifted.
    const stack = await createTestStack({ kinesis: kinesisFixture.kinesis, dynamo, s3 }, 1);
    const shadowTable = shadowTableName(stack.aggregatesTable, 'behind');
    await createShadowTable(dynamo, stack.aggregatesTable, shadowTable);
    const shardId = 'shardId-000000000000';
    const liveStore = aggregateStore(dynamo, { ...liveConfig(), pageBudgetBytes: 4_096 }, stack.aggregatesTable);
    const shadowStore = new DynamoAggregateStore(dynamo, shadowTable);
    const windowStart = Date.parse('2026-11-26T10:00:00.000Z');
    const delta = (key: string, from: number, to: number): ItemDelta => ({
      address: {
        type: 'page_view',
        key,
        granularity: '1m',
        windowStartMs: windowStart,
        windowSizeMs: MINUTE,
        expiresAtSec: Math.ceil((windowStart + 8 * 86_400_000) / 1000),
      },
      shardId,
      contributions: Array.from({ length: to - from + 1 }, (_, i) => ({
        paddedSequence: padSequenceNumber(String(from + i)),
        valueNanos: 1_000_000_000n,
        value: 1,
        event: { id: `e${from + i}`, type: 'page_view', key, tsMs: windowStart, value: 1, valueNanos: 1_000_000_000n },
      })),
    });
    await liveStore.apply(delta('/a', 1, 3));
    await shadowStore.apply(delta('/a', 1, 3));
    await shadowStore.apply(delta('/b', 4, 5));
    const [live, shadow] = await Promise.all([scanAggregateItems(dynamo, stack.aggregatesTable), scanAggregateItems(dynamo, shadowTable)]);
    const drift = compareAggregates(live, shadow, () => 'in').drift;
    expect(drift.map((entry) => [entry.key, entry.kind])).toEqual([['/b', 'missing']]);

    // Act: repair, then the live consumer (its page cached from before the repair) reaches records 4..5.
    const context = { dynamo, liveTable: stack.aggregatesTable, replayedUpTo: new Map([[shardId, padSequenceNumber('5')]]) };
    const outcomes = await repairPageWindow(context, drift);
    await liveStore.apply(delta('/b', 4, 5));

    // Assess: /b counted once (its repaired item; the page, full, did not take it again), /a as it was.
    expect([...outcomes.values()]).toEqual(['repaired']);
    const after = await scanAggregates(dynamo, stack.aggregatesTable);
    const id = (key: string) => `${aggregatePk('page_view', '1m', key)}|${windowSk(windowStart)}`;
    expect(after.get(id('/b'))).toEqual({ count: 2, sum: '2', min: 1, max: 1 });
    expect(after.get(id('/a'))).toEqual({ count: 3, sum: '3', min: 1, max: 1 });
  });

  /** Whether an item id (`pk|sk`) is a window the reconcile scope covers. */
  function scopeOf(id: string, fromMs: number, untilMs: number): boolean {
    const [pk, sk] = id.split('|') as [string, string];
    const granularity = GRANULARITIES.find((candidate) => candidate.label === parseAggregatePk(pk)?.granularity)!;
    const start = Date.parse(sk);
    return start >= fromMs && start + granularity.sizeMs <= untilMs;
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function countedEvents(events: readonly TestEvent[]): TestEvent[] {
  return [...events];
}

function sameRow(a: AggregateRow, b: AggregateRow): boolean {
  return a.count === b.count && a.sum === b.sum && a.min === b.min && a.max === b.max;
}
