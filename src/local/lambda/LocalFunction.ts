import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { BOOTSTRAP_PATH, ExecutionEnvironment } from './ExecutionEnvironment';
import type { InvocationOutcome } from './InvocationOutcome';
import { lambdaEnvironment } from './lambdaEnvironment';
import { LocalFunctionClosedError } from '../errors';

/** Where a line of a function's console output came from. */
export type LogSource = 'stdout' | 'stderr';

/** A function to run locally: its bundled asset and its configuration, as the template gives them. */
export interface LocalFunctionOptions {
  /** The function's name (`AWS_LAMBDA_FUNCTION_NAME`, `context.functionName`). */
  readonly name: string;
  /** A directory holding the bundled handler module (e.g. `cdk.out/asset.<hash>` with `index.js`). */
  readonly assetDirectory: string;
  /** Lambda's handler string, `<module path>.<export>`. @example 'index.handler' */
  readonly handler: string;
  /** The function's environment variables, local credentials and endpoints included. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Lambda's function timeout. */
  readonly timeoutMs: number;
  /** Lambda's memory setting: caps the worker's heap. */
  readonly memoryMb: number;
  /** `AWS_REGION` of the function. @default environment.AWS_REGION, else 'us-east-1' */
  readonly region?: string;
  /** `context.invokedFunctionArn`. @default arn:aws:lambda:<region>:000000000000:function:<name> */
  readonly functionArn?: string;
  /**
   * Most execution environments at once (Lambda's reserved concurrency).
   * Invocations beyond it wait for a free environment, as an event source
   * mapping retries a throttled invocation. @default unlimited
   */
  readonly reservedConcurrency?: number;
  /**
   * Receives each line the function writes to stdout or stderr. The handler
   * writes its EMF metrics there, one JSON document per line.
   * @default writes the line to this process's stdout
   */
  readonly onLog?: (line: string, source: LogSource) => void;
}

/**
 * A Lambda function run locally from its bundled asset, each execution
 * environment a worker thread. Like Lambda, it keeps environments warm
 * between invocations (module scope reused), gives each environment one
 * invocation at a time, and starts another environment when invocations
 * overlap. An invocation that times out, exits the runtime or runs out of
 * memory fails alone: its environment is discarded and the next invocation
 * gets a fresh one (a cold start).
 *
 * @example
 * const fn = new LocalFunction({ name: 'consumer', assetDirectory: 'cdk.out/asset.1234', handler: 'index.handler', timeoutMs: 60_000, memoryMb: 512 });
 * const outcome = await fn.invoke({ Records: [] });
 * await fn.close();
 */
export class LocalFunction {
  readonly name: string;
  private readonly idle: ExecutionEnvironment[] = [];
  /** Environments whose worker thread has not exited yet. */
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  private coldStartCount = 0;

  constructor(private readonly options: LocalFunctionOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs of function ${options.name} must be positive, got ${options.timeoutMs}`);
    if (!(options.memoryMb > 0)) throw new RangeError(`memoryMb of function ${options.name} must be positive, got ${options.memoryMb}`);
    this.name = options.name;
  }

  /** Execution environments started so far (each one a cold start). */
  get coldStarts(): number {
    return this.coldStartCount;
  }

  /** Worker threads of this function that are still running (0 once {@link close} resolved). */
  get liveEnvironments(): number {
    return this.all.size;
  }

  /**
   * Invokes the function synchronously (RequestResponse) with `event`.
   * Never rejects for a function failure: that is an `error` outcome.
   * @throws {@link LocalFunctionClosedError} after {@link close}
   */
  async invoke(event: unknown): Promise<InvocationOutcome> {
    if (this.closed) throw new LocalFunctionClosedError(this.name);
    const acquired = await this.acquire();
    if ('failure' in acquired) return acquired.failure;
    const environment = acquired.environment;
    try {
      return await environment.invoke(event, randomUUID());
    } finally {
      this.release(environment);
    }
  }

  /** Stops every execution environment; invocations still running end with `Runtime.ExitError`. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.all].map((environment) => environment.terminate()));
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(): Promise<{ environment: ExecutionEnvironment } | { failure: InvocationOutcome }> {
    for (;;) {
      if (this.closed) throw new LocalFunctionClosedError(this.name);
      // Most recently used first: the warmest environment serves, as Lambda tends to.
      const warm = this.idle.pop();
      if (warm) {
        if (warm.alive) return { environment: warm };
        continue;
      }
      const limit = this.options.reservedConcurrency ?? Number.POSITIVE_INFINITY;
      if (this.all.size < limit) return this.coldStart();
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private async coldStart(): Promise<{ environment: ExecutionEnvironment } | { failure: InvocationOutcome }> {
    const taskRoot = resolve(this.options.assetDirectory);
    const environment = new ExecutionEnvironment({
      functionName: this.name,
      functionArn: this.functionArn(),
      taskRoot,
      handler: this.options.handler,
      memoryMb: this.options.memoryMb,
      timeoutMs: this.options.timeoutMs,
      environment: lambdaEnvironment({
        functionName: this.name,
        memoryMb: this.options.memoryMb,
        handler: this.options.handler,
        taskRoot,
        runtimeDirectory: dirname(BOOTSTRAP_PATH),
        region: this.region(),
        variables: this.options.environment ?? {},
      }),
      onLog: this.options.onLog ?? ((line) => process.stdout.write(`${line}\n`)),
    });
    this.all.add(environment);
    void environment.exited.then(() => {
      this.all.delete(environment);
      // A slot under the reserved concurrency is free again.
      this.wakeOne();
    });
    this.coldStartCount += 1;
    const failure = await environment.initialized;
    if (failure) {
      // Lambda runs init again on the next invocation, in a fresh environment.
      await environment.terminate();
      return { failure };
    }
    return { environment };
  }

  private release(environment: ExecutionEnvironment): void {
    if (environment.alive && !this.closed) {
      this.idle.push(environment);
      this.wakeOne();
    } else {
      // A dead environment's thread may still be winding down; its exit frees its slot.
      void environment.terminate();
    }
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  private region(): string {
    return this.options.region ?? this.options.environment?.AWS_REGION ?? 'us-east-1';
  }

  private functionArn(): string {
    return this.options.functionArn ?? `arn:aws:lambda:${this.region()}:000000000000:function:${this.name}`;
  }
}
