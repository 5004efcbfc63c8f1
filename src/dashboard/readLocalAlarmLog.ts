import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { localPaths } from '../local/state/localPaths';
import type { AlarmStatus } from './DashboardSource';

/** `<ISO time> alarm <name>: <previous> -> <state> (<reason>)`, as `local up` writes `.streamtally/logs/alarms.log`. */
const CHANGE_LINE = /^(\S+) alarm (.+?): [A-Z_]+ -> ([A-Z_]+)(?: \(|$)/;

/**
 * The alarm states of the local stack running in another process (`local up`): the
 * last change of each alarm in `.streamtally/logs/alarms.log` since that stack
 * started. Alarms that have not changed since are left out; every alarm changes
 * from INSUFFICIENT_DATA at the stack's first evaluation.
 */
export async function readLocalAlarmLog(projectRoot: string, startedAt: string): Promise<AlarmStatus[]> {
  let text: string;
  try {
    text = await readFile(path.join(localPaths(projectRoot).localDir, 'logs', 'alarms.log'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const sinceMs = Date.parse(startedAt);
  const states = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = CHANGE_LINE.exec(line);
    if (!match || !(Date.parse(match[1]!) >= sinceMs)) continue;
    states.set(match[2]!, match[3]!);
  }
  return [...states].map(([name, state]) => ({ name, state })).sort((a, b) => a.name.localeCompare(b.name));
}
