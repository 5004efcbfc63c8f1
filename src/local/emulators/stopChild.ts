import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Ends `child` and resolves once it has exited: SIGTERM first, so the emulator can
 * persist its data and release its locks, then SIGKILL if it is still there after
 * `graceMs`.
 */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit').catch(() => undefined);
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (stopped || hasExited(child)) return;
  child.kill('SIGKILL');
  await exited;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
