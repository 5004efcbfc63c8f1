import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalAlarmLog } from '../../../src/dashboard/readLocalAlarmLog';

describe('readLocalAlarmLog: alarm states of a local stack in another process', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  function projectWithLog(text: string): string {
    root = mkdtempSync(path.join(tmpdir(), 'streamtally-alarmlog-'));
    mkdirSync(path.join(root, '.streamtally', 'logs'), { recursive: true });
    writeFileSync(path.join(root, '.streamtally', 'logs', 'alarms.log'), text);
    return root;
  }

  it('keeps the last change of each alarm since the stack started, ignoring an earlier stack and stray lines', async () => {
    const project = projectWithLog(
      [
        '2026-11-26T11:00:00.000Z alarm streamtally-dev-old: INSUFFICIENT_DATA -> ALARM (an earlier stack)',
        '2026-11-26T12:00:10.000Z alarm streamtally-dev-b: INSUFFICIENT_DATA -> OK (Threshold Crossed: no datapoints)',
        '2026-11-26T12:00:10.000Z alarm streamtally-dev-a: INSUFFICIENT_DATA -> OK (x)',
        'not a change line',
        '2026-11-26T12:05:00.000Z alarm streamtally-dev-a: OK -> ALARM (Threshold Crossed: 1 datapoint [5 (26/11/26 12:04:00)] was greater than 0)',
        '',
      ].join('\n'),
    );
    expect(await readLocalAlarmLog(project, '2026-11-26T12:00:00.000Z')).toEqual([
      { name: 'streamtally-dev-a', state: 'ALARM' },
      { name: 'streamtally-dev-b', state: 'OK' },
    ]);
  });

  it('is empty when no alarm has been evaluated yet (no log)', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'streamtally-alarmlog-'));
    expect(await readLocalAlarmLog(root, '2026-11-26T12:00:00.000Z')).toEqual([]);
  });
});
