import { expect, onTestFailed } from 'vitest';
import { SOAK, type waitUntilAccountedFor, type Workload } from './chaosHarness';
import { recordedResult, recordResult } from './results';

const NO_VERDICT = 'the scenario ended before its verdict';

/**
 * Call first in a scenario: it is recorded as failed until it reaches its verdict, so a
 * scenario that throws on the way (a producer that gave up, a stack that did not start)
 * shows in RELIABILITY.md as a failure with its error, not as a missing row.
 */
export function beginScenario(id: string, fault: string): void {
  const mode = SOAK ? 'soak' : 'ci';
  const provisional = {
    id,
    fault,
    injection: '-',
    invariant: '-',
    eventsSent: 0,
    eventsLost: 0,
    doubleCounts: 0,
    recoveryMs: null,
    faultsInjected: NO_VERDICT,
    passed: false,
  };
  recordResult(provisional, mode);
  onTestFailed(({ task }) => {
    if (recordedResult(id)?.faultsInjected !== NO_VERDICT) return;
    const error = String(task.result?.errors?.[0]?.message ?? 'unknown error')
      .split('\n')[0]!
      .slice(0, 300);
    recordResult({ ...provisional, faultsInjected: `${NO_VERDICT}: ${error}` }, mode);
  });
}

/** What a chaos scenario did and found. */
export interface Outcome {
  readonly id: string;
  readonly fault: string;
  readonly injection: string;
  readonly invariant: string;
  readonly workload: Workload;
  readonly faultEndMs: number;
  readonly accountedForAtMs: number | undefined;
  readonly verdict: Awaited<ReturnType<typeof waitUntilAccountedFor>>['verdict'];
  readonly faultsInjected: string;
}

/** Records the scenario's result and asserts its invariant. */
export function conclude(outcome: Outcome): void {
  const { verdict, workload } = outcome;
  const passed = verdict.exact && verdict.lost === 0 && verdict.doubleCounted === 0;
  recordResult(
    {
      id: outcome.id,
      fault: outcome.fault,
      injection: outcome.injection,
      invariant: outcome.invariant,
      eventsSent: workload.sent,
      eventsLost: verdict.lost,
      doubleCounts: verdict.doubleCounted,
      recoveryMs: outcome.accountedForAtMs === undefined ? null : Math.max(0, outcome.accountedForAtMs - outcome.faultEndMs),
      faultsInjected: outcome.faultsInjected,
      passed,
    },
    SOAK ? 'soak' : 'ci',
  );
  const quarantined = Object.values(verdict.quarantined).reduce((sum, count) => sum + count, 0);
  // Conservation: sent = aggregated + duplicates + quarantined, with the duplicates those the generator made.
  expect(verdict.mismatches, verdict.mismatches.join('\n')).toEqual([]);
  expect(verdict.aggregated + workload.expectedDuplicates + quarantined).toBe(workload.sent);
  expect(verdict.aggregated).toBe(workload.expectedAggregated);
  expect({ lost: verdict.lost, doubleCounted: verdict.doubleCounted }).toEqual({ lost: 0, doubleCounted: 0 });
}
