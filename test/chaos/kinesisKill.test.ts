import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAggregated } from '../../src/demo/readTotals';
import { Producer } from '../../src/producer';
import { SyntheticEvents, type SyntheticItem } from '../../src/synthetic';
import {
  chaosProject,
  LOCAL_PUT_TIMEOUT_MS,
  scaled,
  SOAK,
  startChaosStack,
  synthesizeChaosStack,
  waitUntilAccountedFor,
  Workload,
  type ChaosAssembly,
} from './support/chaosHarness';
import { beginScenario, conclude } from './support/conclude';

/*
 * The Kinesis emulator killed outright (SIGKILL), twice: once while the producer is
 * writing, once while the consumer drains. kinesalite has every acknowledged record in
 * LevelDB's log before it answers; the local stack must restart it on its data and port,
 * and the producer and the event source mapping must go on through the gap: nothing
 * acknowledged lost, nothing counted twice (a put in flight at the kill may be stored and
 * then sent again; the aggregator's event-id ledger counts it once).
 */

const SCENARIO_ID = 'h-kinesis-emulator-killed';
const DRAIN_TIMEOUT_MS = SOAK ? 600_000 : 90_000;
const SCENARIO_TIMEOUT_MS = SOAK ? 1_200_000 : 180_000;

let assembly: ChaosAssembly;
beforeAll(() => {
  assembly = synthesizeChaosStack();
});
afterAll(() => assembly?.remove());

describe.sequential('chaos: the Kinesis emulator killed', () => {
  it(
    '(h) fault: kinesalite SIGKILLed while the producer writes and again while the consumer drains → invariant: every acknowledged record kept, every aggregate exact',
    async () => {
      beginScenario(SCENARIO_ID, 'Kinesis emulator killed (SIGKILL), during writes and during the drain');
      const project = chaosProject(assembly);
      const stack = await startChaosStack(assembly, project.root);
      try {
        const { runtime } = stack;
        const workload = new Workload();
        const runId = `kill-${randomUUID().slice(0, 8)}`;
        const events = new SyntheticEvents({ seed: 808, runId, keys: 40, duplicateRate: 0.05 });
        const items: SyntheticItem[] = Array.from({ length: scaled(3_000) }, () => events.next(Date.now()));
        // Long enough for the emulator's restart: every put is answered, none abandoned.
        const producer = new Producer({
          streamName: runtime.state.resources.streamName,
          client: runtime.clients.kinesis,
          requestTimeoutMs: LOCAL_PUT_TIMEOUT_MS,
        });

        const pids: number[] = [];
        const kill = () => {
          pids.push(runtime.state.emulatorPids.kinesis);
          process.kill(runtime.state.emulatorPids.kinesis, 'SIGKILL');
        };
        let sent = 0;
        const sending = (async () => {
          for (const item of items) {
            if (item.kind !== 'event') throw new Error('this workload has only events');
            await producer.send(item.event);
            sent += 1;
            // Paced, so that the kill lands in the middle of the writing.
            if (sent % 100 === 0) await sleep(50);
          }
        })();
        while (sent < items.length / 3) await sleep(20);
        kill();
        const sentAtKill = sent;
        await sending;
        const report = await producer.close();
        expect({ failed: report.failed, rejected: report.rejected }).toEqual({ failed: 0, rejected: 0 });
        // Otherwise the kill did not land during the writing and proved nothing about it.
        expect(sentAtKill).toBeLessThan(items.length);
        for (const item of items) if (item.kind === 'event') workload.record(item.tag === 'duplicate' ? 'duplicate' : 'valid', item.event);

        // The second kill: once part of the stream is applied, with the rest still to do.
        let applied = 0;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline && applied === 0; await sleep(100)) {
          applied = await countAggregated(runtime.clients.dynamodb, runtime.state.resources.aggregatesTable, '1d');
        }
        kill();
        const faultEndMs = Date.now();
        const { verdict, accountedForAtMs } = await waitUntilAccountedFor(runtime, workload, {
          timeoutMs: DRAIN_TIMEOUT_MS,
          settleMs: 5_000,
        });
        const restarts = stack.log.filter((line) => line.includes('restarting it on its data')).length;
        conclude({
          id: SCENARIO_ID,
          fault: 'Kinesis emulator killed (SIGKILL), during writes and during the drain',
          injection: `kinesalite (pid ${pids.join(', then ')}) SIGKILLed after ${sentAtKill} of ${items.length} events were sent, and again after ${applied} were applied; the local stack restarts it on its LevelDB data`,
          invariant:
            'every acknowledged record kept; the producer sees every put answered (0 failed, 0 rejected; puts in flight at the kill counted once by the event-id ledger); every aggregate exact',
          workload,
          faultEndMs,
          accountedForAtMs,
          verdict,
          faultsInjected: `2 SIGKILLs; ${restarts} restarts; producer: ${report.possibleDuplicates} put(s) in flight at the kill sent again`,
        });
        expect(restarts).toBe(2);
      } finally {
        await stack.stop();
        project.remove();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
