import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { isProcessAlive } from '../../src/local/state/isProcessAlive';
import { CLI_NODE_ARGS } from '../../test/support/cliFromSources';
import { synthesizedAssembly, type SynthesizedAssembly } from '../../test/unit/local/support/synthesizedAssembly';

const CLI = CLI_NODE_ARGS;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

/** What the bench needs from `.streamtally/local.json` (docs/contract.md §3). */
export interface LocalStackState {
  readonly region: string;
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string; readonly s3: string };
  readonly resources: { readonly streamName: string; readonly aggregatesTable: string };
  readonly pid: number;
  readonly emulatorPids: Readonly<Record<string, number>>;
}

/**
 * `streamtally local up` as a user runs it, in its own process, on a freshly
 * synthesized stack: a temporary project whose `cdk.out` is the synthesized
 * assembly. The bench's load and reads come from this process, as a user's
 * producer and queries would.
 */
export class LocalStackProcess {
  private stopped = false;
  private readonly exited: Promise<void>;
  private readonly killOnExit = () => this.killAll();

  private constructor(
    private readonly child: ChildProcess,
    private readonly project: string,
    private readonly assembly: SynthesizedAssembly,
    readonly state: LocalStackState,
    readonly startMs: number,
    /** Seconds from spawning `local up` to its READY line. */
    readonly startSeconds: number,
    /** Seconds `cdk synth` (bundling included) took. */
    readonly synthSeconds: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    process.once('exit', this.killOnExit);
  }

  /** Synthesizes the stack with `config`, starts `local up` and resolves once it printed READY. */
  static async start(config: Partial<StreamtallyConfig>, onSpawn?: (pid: number) => void): Promise<LocalStackProcess> {
    const synthStart = performance.now();
    const assembly = synthesizedAssembly(config, 'Streamtally-bench');
    const synthSeconds = (performance.now() - synthStart) / 1000;
    const project = mkdtempSync(path.join(tmpdir(), 'streamtally-bench-stack-'));
    symlinkSync(assembly.assemblyDir, path.join(project, 'cdk.out'));
    const logFile = path.join(project, 'local-up.log');
    const log = openSync(logFile, 'w');
    const startMs = Date.now();
    const child = spawn(process.execPath, [...CLI, 'local', 'up'], { cwd: project, stdio: ['ignore', 'pipe', log] });
    closeSync(log);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    try {
      await waitForReady(child, logFile);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(project, { recursive: true, force: true });
      assembly.remove();
      throw error;
    }
    const state = JSON.parse(readFileSync(path.join(project, '.streamtally', 'local.json'), 'utf8')) as LocalStackState;
    return new LocalStackProcess(child, project, assembly, state, startMs, (Date.now() - startMs) / 1000, synthSeconds);
  }

  /** The files the functions' output (its EMF metric documents) is appended to. */
  functionLogFiles(): string[] {
    const dir = path.join(this.project, '.streamtally', 'logs');
    try {
      return readdirSync(dir)
        .filter((name) => name.endsWith('.log') && name !== 'alarms.log')
        .map((name) => path.join(dir, name));
    } catch {
      return [];
    }
  }

  /**
   * Stops it as `local down` does (SIGTERM to the runtime, which stops its
   * consumers and emulators) and checks that no process is left.
   * @returns the processes still alive afterwards (none, normally), then killed
   */
  async stop(): Promise<{ readonly stopSeconds: number; readonly leftBehind: readonly number[] }> {
    if (this.stopped) return { stopSeconds: 0, leftBehind: [] };
    this.stopped = true;
    const start = performance.now();
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
    ]);
    if (timedOut) this.child.kill('SIGKILL');
    // The emulators exit with their parent; give them a moment.
    const pids = Object.values(this.state.emulatorPids);
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && pids.some(isProcessAlive); )
      await new Promise((resolve) => setTimeout(resolve, 100));
    const leftBehind = [this.state.pid, ...pids].filter(isProcessAlive);
    this.killAll();
    process.off('exit', this.killOnExit);
    rmSync(this.project, { recursive: true, force: true });
    this.assembly.remove();
    return { stopSeconds: (performance.now() - start) / 1000, leftBehind };
  }

  private killAll(): void {
    for (const pid of [this.state.pid, ...Object.values(this.state.emulatorPids)]) {
      try {
        if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}

function waitForReady(child: ChildProcess, logFile: string): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ');
      } catch {
        // No log.
      }
      reject(new Error(`streamtally local up: ${message}; its log: ${log}`));
    };
    const timer = setTimeout(() => fail(`no READY within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^READY /m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before READY`));
  });
}
