import type { EmulatorName } from './EmulatorName';
import type { EmulatorError } from '../errors';

/** An emulator running as a child process, ready to answer requests. */
export interface RunningEmulator {
  /** Which emulator this is. */
  readonly name: EmulatorName;
  /** Its HTTP endpoint, `http://127.0.0.1:<port>`: point any AWS SDK client at it, with any credentials. */
  readonly endpoint: string;
  /** The child process id. */
  readonly pid: number;
  /** Where it keeps its data. */
  readonly dataDir: string;
  /**
   * Stops it (SIGTERM, then SIGKILL after a grace period) and resolves once the
   * process has exited. Safe to call more than once.
   */
  stop(): Promise<void>;
  /**
   * Calls `listener` once if the emulator exits without {@link stop} having been called
   * (a crash, an out-of-memory kill, someone's `kill`). The error's message is one line
   * naming the emulator, its exit code or signal and the end of its stderr. Called at once
   * (asynchronously) when the emulator has already died.
   * @returns a function that removes the listener
   */
  onExit(listener: (error: EmulatorError) => void): () => void;
}
