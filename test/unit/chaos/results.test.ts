import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResults, recordResult, type ScenarioResult } from '../../chaos/support/results';

const result = (id: string, eventsSent = 10): ScenarioResult => ({
  id,
  fault: 'f',
  injection: 'i',
  invariant: 'v',
  eventsSent,
  eventsLost: 0,
  doubleCounts: 0,
  recoveryMs: 100,
  faultsInjected: '1',
  passed: true,
});

let directory: string | undefined;
afterEach(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('chaos results', () => {
  it("keeps one file per scenario, so that test files recording at once keep each other's results; read back merged and sorted by id", async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'streamtally-results-test-'));
    await Promise.all(['g-kinesis', 'a-dynamo', 'c-poison'].map(async (id) => recordResult(result(id), 'ci', directory)));
    recordResult(result('a-dynamo', 20), 'ci', directory);

    const merged = readResults(directory);

    expect(merged.mode).toBe('ci');
    expect(merged.scenarios.map((s) => [s.id, s.eventsSent])).toEqual([
      ['a-dynamo', 20],
      ['c-poison', 10],
      ['g-kinesis', 10],
    ]);
    expect(readdirSync(directory).sort()).toEqual(['a-dynamo.json', 'c-poison.json', 'g-kinesis.json']);
  });

  it('reads only the mode recorded last, and refuses an empty directory', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'streamtally-results-test-'));
    expect(() => readResults(directory)).toThrow(/no chaos results/);
    recordResult(result('a-dynamo'), 'soak', directory);
    await new Promise((resolve) => setTimeout(resolve, 5));
    recordResult(result('b-killed'), 'ci', directory);

    expect(readResults(directory).scenarios.map((s) => s.id)).toEqual(['b-killed']);
  });
});
