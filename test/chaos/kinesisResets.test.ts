import { randomUUID } from 'node:crypto';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../src/local/emulators';
import { seededRandom, SyntheticEvents } from '../../src/synthetic';
import { AwsFaultProxy, type AwsFault } from './support/AwsFaultProxy';
import {
  chaosProject,
  produceSynthetic,
  readStream,
  scaled,
  SOAK,
  startChaosStack,
  synthesizeChaosStack,
  waitUntilAccountedFor,
  Workload,
  type ChaosAssembly,
} from './support/chaosHarness';
import { beginScenario } from './support/conclude';
import { recordResult } from './support/results';

/*
 * Kinesis-side faults on both paths of the stream: the local event source mapping's
 * reads (DescribeStreamSummary, ListShards, GetShardIterator, GetRecords) and the
 * producer's writes (PutRecords) go through a fault-injecting proxy in front of
 * kinesalite. The restart of the emulator itself is another scenario.
 */

const SCENARIO_ID = 'g-kinesis-connection-resets';
const DRAIN_TIMEOUT_MS = SOAK ? 600_000 : 60_000;
const SCENARIO_TIMEOUT_MS = SOAK ? 1_200_000 : 120_000;
/** Faults go on this long after the last record was acknowledged, while the consumer catches up. */
const FAULTS_AFTER_PRODUCTION_MS = SOAK ? 20_000 : 4_000;

type FaultKind = AwsFault['kind'];
/** Faults per deck of 40 requests (2.5 % each), the rest pass. */
type FaultDeck = Partial<Record<Exclude<FaultKind, 'pass' | 'forwardThenHold'>, number>>;

/**
 * The consumer's reads: 10 % reset before forwarding, 5 % forwarded then reset (the read
 * happened, its answer is lost: the same iterator is used again), 10 % throttled, 5 % 5xx,
 * 5 % delayed 0.1–1 s.
 */
const READ_FAULTS: FaultDeck = { reset: 4, forwardThenReset: 2, throttle: 4, serverError: 1, unavailable: 1, delay: 2 };
/**
 * The producer's writes: 5 % reset before forwarding, 5 % forwarded then reset (the records
 * landed, the producer sees a failure and sends them again: duplicates on the stream),
 * 10 % throttled, 5 % 5xx, 5 % delayed.
 */
const WRITE_FAULTS: FaultDeck = { reset: 2, forwardThenReset: 2, throttle: 4, serverError: 1, unavailable: 1, delay: 2 };
const DECK_SIZE = 40;
/**
 * Mid-workload, every request is reset for this long, every other one after forwarding:
 * a reset storm outlasts the SDK's 3 attempts, so the pollers' own recovery (and the
 * producer's retries) take over.
 */
const RESET_STORM_MS = 3_000;
const RESET_STORM_AT_MS = 6_000;

/** Faults dealt from shuffled decks: exact rates over every `DECK_SIZE` requests, in a seeded random order. */
function dealer(deck: FaultDeck, random: () => number): () => AwsFault {
  let cards: (keyof FaultDeck | 'pass')[] = [];
  return () => {
    if (cards.length === 0) {
      cards = Object.entries(deck).flatMap(([kind, count]) => Array.from({ length: count }, () => kind as keyof FaultDeck));
      while (cards.length < DECK_SIZE) cards.push('pass');
      for (let i = cards.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [cards[i], cards[j]] = [cards[j]!, cards[i]!];
      }
    }
    const kind = cards.pop()!;
    return kind === 'delay' ? { kind, ms: 100 + Math.floor(random() * 900) } : { kind };
  };
}

/** `n reset (m after forwarding), n throttled, n 5xx, n delayed` of the operations named. */
function describeFaults(proxy: AwsFaultProxy, operations: (operation: string) => boolean): string {
  const sum = (kind: FaultKind): number =>
    Object.entries(proxy.appliedTo)
      .filter(([operation]) => operations(operation))
      .reduce((total, [, byKind]) => total + (byKind[kind] ?? 0), 0);
  const resets = sum('reset') + sum('forwardThenReset');
  return `${resets} resets (${sum('forwardThenReset')} after forwarding), ${sum('throttle')} throttled, ${sum('serverError') + sum('unavailable')} 5xx, ${sum('delay')} delayed`;
}

let assembly: ChaosAssembly;
beforeAll(() => {
  assembly = synthesizeChaosStack();
});
afterAll(() => assembly?.remove());

describe.sequential('chaos: Kinesis connection resets; nothing lost, nothing counted twice', () => {
  it(
    "(g) fault: Kinesis connection resets, throttling, 5xx and latency on the consumer's reads and the producer's writes → invariant: every aggregate exact, no event lost or double-counted, every extra copy the producer wrote dropped as a duplicate",
    async () => {
      beginScenario(SCENARIO_ID, 'Kinesis connection resets, throttling, 5xx, latency spikes (consumer reads and producer writes)');
      const random = seededRandom(71);
      const reads = dealer(READ_FAULTS, random);
      const writes = dealer(WRITE_FAULTS, random);
      let stormUntilMs = 0;
      let stormed = 0;
      const plan = (operation: string): AwsFault => {
        if (Date.now() < stormUntilMs) return { kind: stormed++ % 2 === 0 ? 'reset' : 'forwardThenReset' };
        return operation === 'PutRecords' ? writes() : reads();
      };
      let proxy: AwsFaultProxy | undefined;
      const project = chaosProject(assembly);
      // Faulty from the start: the mappings' DescribeStreamSummary, ListShards and GetShardIterator too.
      const stack = await startChaosStack(assembly, project.root, {
        mappingEndpoints: async (endpoints) => {
          proxy = await AwsFaultProxy.start('kinesis', endpoints.kinesis, plan);
          return { ...endpoints, kinesis: proxy.endpoint };
        },
      });
      // The producer writes through the same proxy, with one attempt per request so that it sees (and counts) every failure.
      const producerClient = new KinesisClient(localClientConfig(proxy!.endpoint, { maxAttempts: 1 }));
      const startedMs = Date.now();
      const storm = setTimeout(() => {
        stormUntilMs = Date.now() + RESET_STORM_MS;
      }, RESET_STORM_AT_MS);
      try {
        const workload = new Workload();
        const events = new SyntheticEvents({ seed: 707, runId: `chaos-kinesis-${randomUUID().slice(0, 8)}`, keys: 40 });
        const items = Array.from({ length: scaled(1_500) }, () => events.next(Date.now()));
        // Small requests (about 25 records), spread over about 20 s, so that writes and reads meet many faults.
        const report = await produceSynthetic(stack.runtime, workload, items, {
          client: producerClient,
          flushEvery: 25,
          pauseAfterFlushMs: 250,
          possibleDuplicates: 'expect',
          producer: { maxAttempts: 30, maxBackoffMs: 1_000, minRecordsPerSecond: 300 },
        });
        // The ground truth: what is on the stream. Every event once, plus the copies of forwarded-then-reset writes.
        const producedMs = Date.now();
        const stream = await readStream(stack.runtime);
        workload.settleProducerDuplicates(stream.extraCopies);
        expect(stream.records).toBe(workload.sent);
        await new Promise((resolve) => setTimeout(resolve, FAULTS_AFTER_PRODUCTION_MS));
        proxy!.heal();
        const faultEndMs = Math.max(proxy!.lastFaultAtMs, Date.now());
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(stack.runtime, workload, { timeoutMs: DRAIN_TIMEOUT_MS });

        const passed =
          verdict.exact && verdict.lost === 0 && verdict.doubleCounted === 0 && verdict.duplicatesDropped === stream.extraCopies;
        const readFaults = describeFaults(proxy!, (operation) => operation !== 'PutRecords');
        const writeFaults = describeFaults(proxy!, (operation) => operation === 'PutRecords');
        recordResult(
          {
            id: SCENARIO_ID,
            fault: 'Kinesis connection resets, throttling, 5xx, latency spikes (consumer reads and producer writes)',
            injection:
              'HTTP fault proxy between kinesalite and both the event source mappings (from their start) and the producer (one attempt per request). ' +
              'Reads (GetRecords, GetShardIterator, ListShards, DescribeStreamSummary): 10 % reset before forwarding, 5 % forwarded then reset (the answer lost, the iterator reused), ' +
              '10 % 400 ProvisionedThroughputExceededException, 5 % 500 InternalFailure / 503 ServiceUnavailable, 5 % delayed 0.1–1 s. ' +
              'PutRecords (about 25 records a request): 5 % reset, 5 % forwarded then reset (the records land, the producer re-sends them: duplicates on the stream), 10 % throttled, 5 % 5xx, 5 % delayed. ' +
              `Plus a ${RESET_STORM_MS / 1000} s reset storm mid-workload (every request reset, every other one after forwarding), past the SDK's 3 attempts; healed after the workload`,
            invariant:
              'every aggregate item equals the recount of the unique valid events; each extra copy the producer wrote dropped once as a duplicate (DuplicatesDropped = extra copies on the stream); quarantine empty; no event lost or counted twice',
            eventsSent: workload.sent,
            eventsLost: verdict.lost,
            doubleCounts: verdict.doubleCounted,
            recoveryMs: accountedForAtMs === undefined ? null : Math.max(0, accountedForAtMs - faultEndMs),
            faultsInjected: `reads: ${readFaults}; writes: ${writeFaults}; ${stream.extraCopies} extra copies on the stream (producer: ${report.possibleDuplicates} possible duplicates, ${report.throttled} throttled)`,
            passed,
          },
          SOAK ? 'soak' : 'ci',
        );
        process.stdout.write(
          `${SCENARIO_ID}: ${workload.sent} records (${workload.expectedAggregated} events, ${stream.extraCopies} extra copies of ${report.possibleDuplicates} possible); ` +
            `reads: ${readFaults}; writes: ${writeFaults}; lost ${verdict.lost}, double ${verdict.doubleCounted}, dropped ${verdict.duplicatesDropped}; ` +
            `${stack.log.filter((line) => /GetRecords failed|could not start|shard discovery failed/.test(line)).length} read failures past the SDK's retries; ` +
            `recovery ${accountedForAtMs === undefined ? 'never' : `${accountedForAtMs - faultEndMs} ms`}; produced in ${producedMs - startedMs} ms, ${Date.now() - startedMs} ms in all\n`,
        );

        expect(verdict.mismatches, verdict.mismatches.join('\n')).toEqual([]);
        expect({ lost: verdict.lost, doubleCounted: verdict.doubleCounted }).toEqual({ lost: 0, doubleCounted: 0 });
        expect(verdict.aggregated).toBe(workload.expectedAggregated);
        expect(verdict.quarantined).toEqual({ invalid: 0, late: 0, future: 0 });
        // Conservation: every record on the stream aggregated once or dropped as a duplicate.
        expect(verdict.aggregated + verdict.duplicatesDropped).toBe(stream.records);
        expect(verdict.duplicatesDropped).toBe(stream.extraCopies);
        // The faults were there, on both paths.
        expect(proxy!.appliedTo.GetRecords?.forwardThenReset ?? 0).toBeGreaterThan(0);
        expect(proxy!.appliedTo.PutRecords?.forwardThenReset ?? 0).toBeGreaterThan(0);
        expect(stream.extraCopies).toBeGreaterThan(0);
      } finally {
        clearTimeout(storm);
        await stack.stop();
        producerClient.destroy();
        await proxy?.close();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
