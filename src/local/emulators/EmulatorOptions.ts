/** Options every emulator takes. */
export interface EmulatorOptions {
  /**
   * Port on 127.0.0.1 to listen on. A port that is taken is an {@link EmulatorError}
   * naming the command-line option that chooses another.
   * @default - a free port
   */
  readonly port?: number;
  /**
   * Directory the emulator keeps its data in, created if missing; the next start on the
   * same directory finds the data again.
   * @default '<project root>/.streamtally/data/<emulator>'
   */
  readonly dataDir?: string;
  /**
   * How long to wait for the emulator to answer its first API call.
   * @default 30000
   */
  readonly startTimeoutMs?: number;
  /**
   * How long {@link RunningEmulator.stop} waits after SIGTERM before it sends SIGKILL.
   * @default 5000
   */
  readonly stopGraceMs?: number;
}
