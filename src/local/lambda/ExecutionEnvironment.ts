import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { forwardLines } from './forwardLines';
import { RuntimeErrorType, type InvocationOutcome } from './InvocationOutcome';

/** The worker script: Lambda's runtime loop, in plain JavaScript (see its header). */
export const BOOTSTRAP_PATH = join(__dirname, 'runtime', 'bootstrap.js');

/**
 * Lambda gives a function's init (loading the module, module-scope code) up to
 * 10 s, separately from the function's timeout.
 */
const INIT_TIMEOUT_MS = 10_000;

/** How one execution environment is built. */
export interface ExecutionEnvironmentSpec {
  readonly functionName: string;
  readonly functionArn: string;
  readonly taskRoot: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutMs: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly onLog: (line: string, source: 'stdout' | 'stderr') => void;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'initError'; errorType: string; errorMessage: string }
  | { type: 'result'; requestId: string; json: string | undefined }
  | { type: 'error' | 'fatal'; requestId: string | undefined; errorType: string; errorMessage: string };

interface PendingInvocation {
  readonly requestId: string;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (outcome: InvocationOutcome) => void;
}

/**
 * One execution environment: a worker thread that loaded the handler once
 * and serves one invocation at a time, keeping its module scope warm in
 * between, like a Lambda sandbox. A timeout, a crash or running out of memory
 * ends it (the invocation gets Lambda's error for it), and its owner starts a
 * fresh one for the next invocation — a cold start, as on AWS.
 */
export class ExecutionEnvironment {
  private readonly worker: Worker;
  private pending: PendingInvocation | undefined;
  private dead = false;
  private outOfMemory = false;
  /** Resolves when the worker thread is gone. */
  readonly exited: Promise<void>;
  private initSettle: ((failure: InvocationOutcome | undefined) => void) | undefined;
  /** Resolves once the handler is loaded: `undefined`, or the init failure as an outcome. */
  readonly initialized: Promise<InvocationOutcome | undefined>;

  constructor(private readonly spec: ExecutionEnvironmentSpec) {
    const initStartedAt = performance.now();
    this.initialized = new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settleInit(initFailure(RuntimeErrorType.timeout, `Init timed out after ${seconds(INIT_TIMEOUT_MS)} seconds`, initStartedAt));
        void this.worker.terminate();
      }, INIT_TIMEOUT_MS);
      this.initSettle = (failure) => {
        clearTimeout(timer);
        this.initSettle = undefined;
        resolve(failure);
      };
    });
    this.worker = new Worker(BOOTSTRAP_PATH, {
      env: { ...spec.environment },
      // Without this the worker would inherit the parent's loaders (tsx, vitest): it must run plain JavaScript only.
      execArgv: [],
      // The old generation is where a handler's data lives; capping it makes the memory setting bite.
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
      stdout: true,
      stderr: true,
      workerData: {
        taskRoot: spec.taskRoot,
        handler: spec.handler,
        functionName: spec.functionName,
        memoryMb: spec.memoryMb,
        invokedFunctionArn: spec.functionArn,
        logGroupName: spec.environment.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: spec.environment.AWS_LAMBDA_LOG_STREAM_NAME,
      },
    });
    forwardLines(this.worker.stdout, (line) => spec.onLog(line, 'stdout'));
    forwardLines(this.worker.stderr, (line) => spec.onLog(line, 'stderr'));
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message, initStartedAt));
    this.worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.outOfMemory = true;
      else spec.onLog(`runtime error: ${error.stack ?? error.message}`, 'stderr');
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.dead = true;
        this.settleInit(initFailure(this.exitErrorType(), this.exitMessage(undefined, code), initStartedAt));
        if (this.pending) this.settle(this.exitErrorType(), this.exitMessage(this.pending.requestId, code));
        resolve();
      });
    });
  }

  /** False once the environment is gone (timed out, crashed, closed): it must not be used again. */
  get alive(): boolean {
    return !this.dead;
  }

  /** Runs the handler on `event`; the environment must be initialized and idle. */
  invoke(event: unknown, requestId: string): Promise<InvocationOutcome> {
    if (this.dead || this.pending || this.initSettle) throw new Error('bug: invoke on an environment that is not idle');
    return new Promise((resolve) => {
      const startedAt = performance.now();
      const timer = setTimeout(() => {
        this.settle(
          RuntimeErrorType.timeout,
          `RequestId: ${requestId} Error: Task timed out after ${seconds(this.spec.timeoutMs)} seconds`,
        );
        // Lambda discards a timed-out sandbox: whatever the handler left running must not leak into the next invocation.
        this.dead = true;
        void this.worker.terminate();
      }, this.spec.timeoutMs);
      this.pending = { requestId, startedAt, timer, resolve };
      this.worker.postMessage({ type: 'invoke', requestId, event, deadlineMs: Date.now() + this.spec.timeoutMs });
    });
  }

  /** Stops the worker; an invocation still running ends with `Runtime.ExitError`. */
  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
    await this.exited;
  }

  private onMessage(message: WorkerMessage, initStartedAt: number): void {
    switch (message.type) {
      case 'ready':
        this.settleInit(undefined);
        return;
      case 'initError':
        // Lambda retries init on the next invocation, in a fresh sandbox.
        this.settleInit(initFailure(message.errorType, message.errorMessage, initStartedAt));
        this.dead = true;
        void this.worker.terminate();
        return;
      case 'result':
        if (this.pending?.requestId === message.requestId) {
          const payload = message.json === undefined ? null : (JSON.parse(message.json) as unknown);
          this.finish({ kind: 'ok', payload, durationMs: elapsed(this.pending.startedAt), requestId: message.requestId });
        }
        return;
      case 'error':
      case 'fatal':
        if (message.type === 'fatal') this.dead = true;
        if (this.pending && this.pending.requestId === message.requestId) this.settle(message.errorType, message.errorMessage);
        return;
    }
  }

  private settle(errorType: string, errorMessage: string): void {
    if (!this.pending) return;
    const { startedAt, requestId } = this.pending;
    this.finish({ kind: 'error', errorType, errorMessage, durationMs: elapsed(startedAt), requestId });
  }

  private finish(outcome: InvocationOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.resolve(outcome);
  }

  private settleInit(failure: InvocationOutcome | undefined): void {
    this.initSettle?.(failure);
  }

  private exitErrorType(): string {
    return this.outOfMemory ? RuntimeErrorType.outOfMemory : RuntimeErrorType.exit;
  }

  /** Lambda's wording for a sandbox that went away mid-invocation. */
  private exitMessage(requestId: string | undefined, code: number): string {
    const prefix = requestId ? `RequestId: ${requestId} ` : '';
    if (this.outOfMemory) return `${prefix}Error: Runtime exited with error: signal: killed`;
    if (code === 0) return `${prefix}Error: Runtime exited without providing a reason`;
    return `${prefix}Error: Runtime exited with error: exit status ${code}`;
  }
}

function initFailure(errorType: string, errorMessage: string, startedAt: number): InvocationOutcome {
  return { kind: 'error', errorType, errorMessage, durationMs: elapsed(startedAt) };
}

function elapsed(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 100) / 100;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
