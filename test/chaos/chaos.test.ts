import { randomUUID } from 'node:crypto';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../../core';
import { countAggregated } from '../../src/demo/readTotals';
import { decodeCells, encodeCells } from '../../lambdas/aggregator/store/cellPageItem';
import type { ProducerEvent } from '../../src/producer/types';
import { seededRandom, SyntheticEvents, type SyntheticItem, type SyntheticOptions } from '../../src/synthetic';
import {
  chaosProject,
  produceSynthetic,
  putRaw,
  scaled,
  SOAK,
  startChaosStack,
  synthesizeChaosStack,
  waitUntilAccountedFor,
  verify,
  Workload,
  type ChaosAssembly,
  type QuarantineReason,
} from './support/chaosHarness';
import { AwsFaultProxy, type AwsFault } from './support/AwsFaultProxy';
import { beginScenario, conclude } from './support/conclude';

/*
 * Fault injection against the real local stack. Each scenario names its fault and
 * its invariant, runs a workload whose expected aggregates are exactly known, and
 * checks afterwards that every record sent was aggregated exactly once, dropped as
 * a producer duplicate or quarantined, with every aggregate item exact. Results go
 * to a JSON file; `npm run test:chaos` turns them into RELIABILITY.md.
 */

const DRAIN_TIMEOUT_MS = SOAK ? 600_000 : 90_000;
const SCENARIO_TIMEOUT_MS = SOAK ? 1_200_000 : 180_000;
const KEYS = 40;

let assembly: ChaosAssembly;
beforeAll(() => {
  assembly = synthesizeChaosStack();
});
afterAll(() => assembly?.remove());

/** Synthetic items: a warm-up of valid events (so every shard has a watermark before any late event), then the mix. */
function syntheticItems(
  count: number,
  seed: number,
  rates: Partial<SyntheticOptions> = {},
): { warmUp: SyntheticItem[]; mix: SyntheticItem[] } {
  const runId = `chaos-${seed}-${randomUUID().slice(0, 8)}`;
  const warmUpEvents = new SyntheticEvents({ seed, runId: `${runId}-w`, keys: KEYS });
  const mixEvents = new SyntheticEvents({ seed: seed + 1, runId, keys: KEYS, ...rates });
  const now = Date.now();
  return {
    warmUp: Array.from({ length: 60 }, () => warmUpEvents.next(now)),
    mix: Array.from({ length: count }, () => mixEvents.next(Date.now())),
  };
}

/**
 * Like {@link syntheticItems}, but each item of the mix is made when the producer takes it,
 * with that moment's event time: a long run (the soak) would otherwise send events made
 * minutes before, late by then, and its ground truth would not be what was sent.
 */
function lazySyntheticItems(
  count: number,
  seed: number,
  rates: Partial<SyntheticOptions> = {},
): { warmUp: SyntheticItem[]; mix: Iterable<SyntheticItem> } {
  const { warmUp } = syntheticItems(0, seed);
  const mixEvents = new SyntheticEvents({ seed: seed + 1, runId: `chaos-${seed}-${randomUUID().slice(0, 8)}`, keys: KEYS, ...rates });
  function* mix(): Generator<SyntheticItem> {
    for (let made = 0; made < count; made++) yield mixEvents.next(Date.now());
  }
  return { warmUp, mix: mix() };
}

describe.sequential('chaos: faults injected into the local stack; nothing lost, nothing counted twice', () => {
  it(
    "(a) fault: DynamoDB throttling (400), 5xx, connection resets after the write and latency spikes on the consumer's writes → invariant: every aggregate exact, no event lost or double-counted",
    async () => {
      beginScenario('a-dynamodb-throttling-5xx-latency', 'DynamoDB throttling, 5xx, connection resets, latency spikes');
      const random = seededRandom(11);
      let proxy: AwsFaultProxy | undefined;
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root, {
        functionEndpoints: async (endpoints) => {
          proxy = await AwsFaultProxy.start('dynamodb', endpoints.dynamodb, (operation): AwsFault => {
            if (operation !== 'UpdateItem' && operation !== 'PutItem' && operation !== 'GetItem' && operation !== 'BatchGetItem')
              return { kind: 'pass' };
            const u = random();
            if (u < 0.1) return { kind: 'throttle' };
            if (u < 0.2) return { kind: 'serverError' };
            if (u < 0.23) return { kind: 'forwardThenReset' };
            if (u < 0.25) return { kind: 'reset' };
            if (u < 0.3) return { kind: 'delay', ms: 100 + Math.floor(random() * 900) };
            return { kind: 'pass' };
          });
          return { ...endpoints, dynamodb: proxy.endpoint };
        },
      });
      try {
        const workload = new Workload();
        const { warmUp, mix } = syntheticItems(scaled(1_500), 101, {
          duplicateRate: 0.05,
          malformedRate: 0.02,
          lateRate: 0.02,
          futureRate: 0.02,
        });
        await produceSynthetic(stack.runtime, workload, warmUp);
        await produceSynthetic(stack.runtime, workload, mix);
        // Faults go on while the consumer works through the stream, then stop.
        await new Promise((resolve) => setTimeout(resolve, SOAK ? 30_000 : 8_000));
        proxy!.heal();
        const faultEndMs = Math.max(proxy!.lastFaultAtMs, Date.now());
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        const a = proxy!.applied;
        conclude({
          id: 'a-dynamodb-throttling-5xx-latency',
          fault: 'DynamoDB throttling, 5xx, connection resets, latency spikes',
          injection:
            'HTTP fault proxy between the aggregator and dynalite: 10 % of reads/writes answered 400 ProvisionedThroughputExceededException, 10 % 500, 3 % forwarded then connection reset, 2 % reset, 5 % delayed 0.1–1 s; healed after the workload',
          invariant:
            'every aggregate item equals the recount of the unique valid events; every bad record quarantined once; no event lost or counted twice',
          workload,
          faultEndMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `${a.throttle} throttled, ${a.serverError} 5xx, ${a.forwardThenReset + a.reset} resets, ${a.delay} delayed`,
        });
      } finally {
        await stack.stop();
        await proxy?.close();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "(b) fault: the consumer's worker killed mid-batch, repeatedly (function timeout after its writes reached DynamoDB) → invariant: no event lost or double-counted on re-delivery",
    async () => {
      beginScenario('b-worker-killed-mid-batch', 'consumer worker killed mid-batch, repeatedly');
      const kills = SOAK ? 12 : 3;
      let proxy: AwsFaultProxy | undefined;
      let updates = 0;
      let held = 0;
      let nextHoldAt = 20;
      let lastHoldAtMs = 0;
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root, {
        functionEndpoints: async (endpoints) => {
          proxy = await AwsFaultProxy.start('dynamodb', endpoints.dynamodb, (operation): AwsFault => {
            // Item writes: per-key cells (UpdateItem) and cell pages, leaderboards and ledger entries (PutItem).
            if (operation !== 'UpdateItem' && operation !== 'PutItem') return { kind: 'pass' };
            updates += 1;
            // Every 20th write, at most one at a time (so each kills a different invocation): the write lands,
            // its answer is held past the 4 s timeout, and the worker is terminated.
            if (held < kills && updates >= nextHoldAt && Date.now() - lastHoldAtMs > 4_500) {
              held += 1;
              nextHoldAt = updates + 20;
              lastHoldAtMs = Date.now();
              return { kind: 'forwardThenHold', ms: 6_000 };
            }
            return { kind: 'pass' };
          });
          return { ...endpoints, dynamodb: proxy.endpoint };
        },
      });
      try {
        const workload = new Workload();
        // Enough batches for every kill at 4.5 s apart: a batch writes a few pages, not an item per key.
        const { warmUp, mix } = syntheticItems(scaled(3_000), 202, { duplicateRate: 0.05, malformedRate: 0.02 });
        await produceSynthetic(stack.runtime, workload, warmUp);
        await produceSynthetic(stack.runtime, workload, mix);
        // A fast drain can end before every kill: send more (events of their own ids) until each has happened.
        for (let round = 0; held < kills && round < 8; round++) {
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          if (held < kills) {
            const more = syntheticItems(scaled(1_500), 210 + round, { duplicateRate: 0.05, malformedRate: 0.02 });
            await produceSynthetic(stack.runtime, workload, more.mix);
          }
        }
        // Wait until every planned kill has happened (or the stream ran dry first).
        for (const deadline = Date.now() + 90_000; held < kills && Date.now() < deadline; )
          await new Promise((resolve) => setTimeout(resolve, 200));
        await new Promise((resolve) => setTimeout(resolve, 6_500));
        const faultEndMs = proxy!.lastFaultAtMs || Date.now();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        const functionName = stack.runtime.plan.functions.find((fn) => fn.environment.CONSUMER_NAME)!.functionName;
        const functionErrors = stack.runtime.metrics
          .values({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: functionName } }, 0, Date.now() + 60_000)
          .reduce((sum, value) => sum + value, 0);
        conclude({
          id: 'b-worker-killed-mid-batch',
          fault: 'consumer worker killed mid-batch, repeatedly',
          injection: `proxy holds the answer of an UpdateItem or PutItem (every 20th, one at a time: at least 4.5 s apart, past the 4 s timeout) for 6 s after forwarding it; the 4 s function timeout terminates the worker thread with part of the batch written (${kills} times)`,
          invariant:
            'the re-delivered batch adds only what the killed attempt did not (high-water marks, claims, checkpoints): no event lost or counted twice',
          workload,
          faultEndMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `${held} answers held; ${functionErrors} invocations failed (timed out, worker terminated)`,
        });
        expect(held).toBe(kills);
        expect(functionErrors).toBeGreaterThanOrEqual(held);
      } finally {
        await stack.stop();
        await proxy?.close();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    '(c) fault: poison records (invalid UTF-8, 100k-deep JSON, 1 MB records, huge numbers, __proto__ keys, control characters in keys) → invariant: each quarantined or aggregated exactly once, the stream never blocks',
    async () => {
      beginScenario('c-poison-records', 'poison records');
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root);
      try {
        const workload = new Workload();
        const records = poisonRecords();
        // The decoder's verdict for each record is the one the pipeline must deliver.
        for (const record of records) expect(decodeRecord(record.data).ok, record.label).toBe(record.verdict === 'valid');
        await putRaw(stack.runtime, workload, records);
        const startMs = Date.now();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        conclude({
          id: 'c-poison-records',
          fault: 'poison records',
          injection: `${records.filter((r) => r.label.startsWith('poison')).length} hostile records put straight on the stream between valid ones: invalid UTF-8, BOM, 100 000-deep arrays (top level and in attrs), 1 MB valid and invalid records, 1e308 and 400-digit numbers, __proto__/constructor keys, control characters and lone surrogates in keys`,
          invariant:
            'each poison record quarantined as invalid exactly once (or, when valid, aggregated once); valid neighbours aggregated exactly; no batch blocked',
          workload,
          faultEndMs: startMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `${records.filter((r) => r.label.startsWith('poison')).length} poison records`,
        });
        // The check is not vacuous: one extra count on one cell (of a page: the window's first keys) is reported as one double count.
        const aggregates = stack.runtime.state.resources.aggregatesTable;
        const [page] =
          (
            await stack.runtime.clients.dynamodb.send(
              new ScanCommand({
                TableName: aggregates,
                FilterExpression: 'attribute_exists(#cells)',
                ExpressionAttributeNames: { '#cells': 'cells' },
              }),
            )
          ).Items ?? [];
        // The first cell's count, one more: the page's cells are one encoded attribute.
        const cells = decodeCells(page!.cells);
        const [firstKey, first] = [...cells][0]!;
        cells.set(firstKey, { ...first, count: first.count + 1 });
        await stack.runtime.clients.dynamodb.send(
          new PutItemCommand({ TableName: aggregates, Item: { ...page!, cells: encodeCells(cells) } }),
        );
        const tampered = await verify(stack.runtime, workload);
        expect(tampered.exact).toBe(false);
        expect(tampered.lost + tampered.doubleCounted).toBeLessThanOrEqual(1);
        expect(tampered.mismatches).toHaveLength(1);
      } finally {
        await stack.stop();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    '(d) fault: producer duplicates, late, future and out-of-order events → invariant: duplicates dropped, late/future quarantined, the rest counted exactly once',
    async () => {
      beginScenario('d-duplicates-late-future-out-of-order', 'producer duplicates, late, future and out-of-order events');
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root);
      try {
        const workload = new Workload();
        const { warmUp, mix } = syntheticItems(scaled(1_200), 303, {
          duplicateRate: 0.15,
          lateRate: 0.05,
          futureRate: 0.05,
          malformedRate: 0.02,
        });
        await produceSynthetic(stack.runtime, workload, warmUp);
        // Out of order: events spread over the last 50 minutes (within the allowed lateness), sent shuffled,
        // and 20 % of them sent again later (producer retries).
        const random = seededRandom(304);
        const now = Date.now();
        const runId = `chaos-ooo-${randomUUID().slice(0, 8)}`;
        const outOfOrder: SyntheticItem[] = Array.from({ length: scaled(300) }, (_, i) => ({
          kind: 'event',
          tag: 'valid',
          event: {
            id: `${runId}-${i}`,
            type: 'click',
            key: `key-${1 + Math.floor(random() * KEYS)}`,
            ts: new Date(now - Math.floor(random() * 50 * 60_000)).toISOString(),
          },
        }));
        const resent: SyntheticItem[] = outOfOrder
          .filter(() => random() < 0.2)
          .map((item) => ({ ...item, tag: 'duplicate' }) as SyntheticItem);
        await produceSynthetic(stack.runtime, workload, [
          ...mix.slice(0, mix.length / 2),
          ...outOfOrder,
          ...mix.slice(mix.length / 2),
          ...resent,
        ]);
        const startMs = Date.now();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        conclude({
          id: 'd-duplicates-late-future-out-of-order',
          fault: 'producer duplicates, late, future and out-of-order events',
          injection: `synthetic mix with 15 % producer duplicates, 5 % late, 5 % future, 2 % malformed, plus ${outOfOrder.length} events with times shuffled over 50 minutes and ${resent.length} of them re-sent`,
          invariant: `exactly ${workload.expectedDuplicates} duplicates dropped, late/future quarantined by reason, every other event counted once in its event-time window`,
          workload,
          faultEndMs: startMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `${workload.expectedDuplicates} duplicates, ${workload.expectedQuarantine.late} late, ${workload.expectedQuarantine.future} future, ${outOfOrder.length} out of order`,
        });
        expect(verdict.duplicatesDropped).toBeGreaterThanOrEqual(workload.expectedDuplicates);
      } finally {
        await stack.stop();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    '(e) fault: consumer down while a backlog of many batches builds up, then started → invariant: the whole backlog drained, each event counted exactly once',
    async () => {
      beginScenario('e-backlog-after-consumer-down', 'backlog far larger than one batch, consumer down');
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root, { startConsumers: false });
      try {
        const workload = new Workload();
        const { warmUp, mix } = lazySyntheticItems(scaled(4_000), 505, {
          duplicateRate: 0.03,
          malformedRate: 0.01,
          lateRate: 0.01,
          futureRate: 0.01,
        });
        await produceSynthetic(stack.runtime, workload, warmUp);
        await produceSynthetic(stack.runtime, workload, mix);
        expect(await countAggregated(stack.runtime.clients.dynamodb, stack.runtime.state.resources.aggregatesTable, '1d')).toBe(0);
        const faultEndMs = Date.now();
        await stack.runtime.startConsumers();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        conclude({
          id: 'e-backlog-after-consumer-down',
          fault: 'backlog far larger than one batch, consumer down',
          injection: `${workload.sent} records produced with the event source mappings stopped (batch size 100, 2 shards), then the mappings started`,
          invariant: 'the backlog drains to exact aggregates: nothing skipped, nothing counted twice',
          workload,
          faultEndMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `${Math.ceil(workload.sent / 100)}+ batches of backlog`,
        });
      } finally {
        await stack.stop();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    '(f) fault: the whole local stack, Kinesis emulator included, stopped mid-drain and restarted on its persisted data → invariant: the consumer resumes from its checkpoints, nothing lost or counted twice',
    async () => {
      beginScenario('f-kinesis-emulator-restart', 'Kinesis emulator (and the whole stack) restarted mid-drain');
      const project = chaosProject(assembly);
      let stack = await startChaosStack(assembly, project.root);
      try {
        const workload = new Workload();
        const { warmUp, mix } = syntheticItems(scaled(2_000), 606, {
          duplicateRate: 0.05,
          malformedRate: 0.02,
          lateRate: 0.02,
          futureRate: 0.02,
        });
        await produceSynthetic(stack.runtime, workload, warmUp);
        await produceSynthetic(stack.runtime, workload, mix);
        // Stop once part of the stream is applied, with the rest still to do.
        let applied = 0;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
          applied = await countAggregated(stack.runtime.clients.dynamodb, stack.runtime.state.resources.aggregatesTable, '1d');
          if (applied > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await stack.stop();
        stack = await startChaosStack(assembly, project.root);
        const faultEndMs = Date.now();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });
        conclude({
          id: 'f-kinesis-emulator-restart',
          fault: 'Kinesis emulator (and the whole stack) restarted mid-drain',
          injection: `runtime stopped (emulators SIGTERM) after ${applied} of ${workload.expectedAggregated} events were applied; a new runtime started on the same .streamtally/data`,
          invariant:
            'the new consumer re-reads from TRIM_HORIZON and skips what the checkpoints and high-water marks show applied: nothing lost or counted twice',
          workload,
          faultEndMs,
          accountedForAtMs,
          verdict,
          faultsInjected: '1 restart',
        });
        expect(applied).toBeLessThan(workload.expectedAggregated);
      } finally {
        await stack.stop();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

interface PoisonRecord {
  readonly label: string;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly verdict: 'valid' | QuarantineReason;
  readonly event?: ProducerEvent;
}

/** Hostile records between valid ones; the verdict each must get. */
function poisonRecords(): PoisonRecord[] {
  const runId = `poison-${randomUUID().slice(0, 8)}`;
  let n = 0;
  const ts = () => new Date(Date.now() - 1_000).toISOString();
  const valid = (label: string, event: ProducerEvent, extra: Record<string, unknown> = {}): PoisonRecord => ({
    label,
    data: Buffer.from(JSON.stringify({ ...event, ...extra })),
    partitionKey: `pk-${n}`,
    verdict: 'valid',
    event,
  });
  const event = (key: string, type = 'poison_neighbour'): ProducerEvent => ({ id: `${runId}-${n++}`, type, key, ts: ts() });
  const invalid = (label: string, data: Uint8Array | string): PoisonRecord => ({
    label: `poison: ${label}`,
    data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    partitionKey: `pk-${n++}`,
    verdict: 'invalid',
  });
  const deep = 100_000;
  const oneMb = 1_000_000;
  const records: PoisonRecord[] = [];
  for (let i = 0; i < 30; i += 1) records.push(valid('warm-up', event(`key-${i % 5}`)));
  const poison: PoisonRecord[] = [
    invalid(
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from(`{"id":"${runId}-u","type":"t","key":"`),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(`","ts":"${ts()}"}`),
      ]),
    ),
    invalid('byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(event('bom')))])),
    invalid('100k-deep array', `${'['.repeat(deep)}${']'.repeat(deep)}`),
    invalid('1 MB key', JSON.stringify({ ...event('x'), key: 'k'.repeat(oneMb) })),
    invalid('huge value 1e308', `{"id":"${runId}-h1","type":"sensor.temp","key":"k","ts":"${ts()}","value":1e308}`),
    invalid('400-digit value', `{"id":"${runId}-h2","type":"sensor.temp","key":"k","ts":"${ts()}","value":${'9'.repeat(400)}}`),
    invalid('huge ts', `{"id":"${runId}-h3","type":"t","key":"k","ts":1e300}`),
    invalid('fields only under __proto__', `{"__proto__":{"id":"${runId}-p","type":"t","key":"k","ts":"${ts()}"}}`),
    invalid('NUL in key', JSON.stringify({ ...event('a\u0000b') })),
    invalid('unit separator in key', JSON.stringify({ ...event('a\u001fb') })),
    invalid('DEL in key', JSON.stringify({ ...event('a\u007f') })),
    invalid('newline in key', JSON.stringify({ ...event('line\nbreak') })),
    invalid('lone surrogate in key', `{"id":"${runId}-s","type":"t","key":"a\\ud800b","ts":"${ts()}"}`),
    invalid('control character in type', JSON.stringify({ ...event('k'), type: 'page\u0007view' })),
    invalid('not an object', '"just a string"'),
    invalid('truncated JSON', '{"id":"x","type":"t",'),
  ];
  const validOddities: PoisonRecord[] = [
    { ...valid('1 MB valid record (padding in an unknown field)', event('big')), label: 'poison-valid: 1 MB valid record' },
    { ...valid('key __proto__', event('__proto__')), label: 'poison-valid: key __proto__' },
    // attrs is only checked to be an object: a 100 000-deep array inside it is a valid event (and must not overflow a stack).
    { ...valid('100k-deep attrs', event('deep-attrs')), label: 'poison-valid: 100k-deep attrs' },
    { ...valid('key constructor', event('constructor')), label: 'poison-valid: key constructor' },
    { ...valid('key hasOwnProperty', event('hasOwnProperty')), label: 'poison-valid: key hasOwnProperty' },
    { ...valid('__proto__ extra field', event('proto-extra')), label: 'poison-valid: __proto__ extra field' },
    { ...valid('key with # and emoji', event('a#b#😀')), label: 'poison-valid: key with # and emoji' },
  ];
  // The 1 MB valid record: the event plus an ignored field that fills it to 1 MB.
  const big = validOddities[0]!;
  const bigBase = JSON.stringify(big.event);
  validOddities[0] = { ...big, data: Buffer.from(`${bigBase.slice(0, -1)},"pad":"${'p'.repeat(oneMb - bigBase.length - 10)}"}`) };
  const deepAttrs = validOddities[2]!;
  validOddities[2] = {
    ...deepAttrs,
    data: Buffer.from(`${JSON.stringify(deepAttrs.event).slice(0, -1)},"attrs":{"a":${'['.repeat(deep)}${']'.repeat(deep)}}}`),
  };
  const protoExtra = validOddities[5]!;
  validOddities[5] = {
    ...protoExtra,
    data: Buffer.from(`${JSON.stringify(protoExtra.event).slice(0, -1)},"__proto__":{"polluted":true,"id":"other"}}`),
  };
  for (let i = 0; i < Math.max(poison.length, validOddities.length); i += 1) {
    if (poison[i]) records.push(poison[i]!);
    if (validOddities[i]) records.push(validOddities[i]!);
    records.push(valid('neighbour', event(`key-${i % 5}`)));
  }
  return records;
}
