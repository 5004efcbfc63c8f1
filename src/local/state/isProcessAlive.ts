import { readFileSync } from 'node:fs';

/**
 * Whether a process with this id is running. Signal 0 checks without
 * signalling; EPERM means it exists but belongs to someone else. A zombie (a
 * process that has exited but whose parent has not reaped it yet) still
 * answers signal 0, so on Linux its state in /proc decides.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // Field 3 of /proc/<pid>/stat, after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
