/**
 * Whether a process with this id exists. Signal 0 checks without signalling; EPERM means it
 * exists but belongs to someone else.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
