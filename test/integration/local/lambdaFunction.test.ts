import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalFunction, LocalFunctionClosedError, type InvocationOutcome, type LocalFunctionOptions } from '../../../src/local/lambda';
import { writeAsset } from './support/functionAssets';

let root: string;
const functions: LocalFunction[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'streamtally-lambda-'));
});

afterAll(async () => {
  await Promise.all(functions.map((fn) => fn.close()));
  for (const fn of functions) expect(fn.liveEnvironments).toBe(0);
  if (root) rmSync(root, { recursive: true, force: true });
});

let assetCounter = 0;

/** A LocalFunction over `source` as index.js, closed after the file; its console lines are collected. */
function localFunction(source: string, options: Partial<LocalFunctionOptions> = {}): { fn: LocalFunction; lines: string[] } {
  assetCounter += 1;
  const lines: string[] = [];
  const fn = new LocalFunction({
    name: `fn-${assetCounter}`,
    assetDirectory: writeAsset(root, `asset-${assetCounter}`, source),
    handler: 'index.handler',
    timeoutMs: 5_000,
    memoryMb: 128,
    onLog: (line) => lines.push(line),
    ...options,
  });
  functions.push(fn);
  return { fn, lines };
}

/** A handler whose module scope counts invocations, so a warm environment is visible. */
const COUNTING_HANDLER = `
const { threadId } = require('node:worker_threads');
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.mode === 'throw') { const error = new Error('bad input'); error.name = 'ValidationError'; throw error; }
  if (event.mode === 'hang') await new Promise(() => setInterval(() => {}, 1000));
  if (event.mode === 'exit') process.exit(3);
  if (event.mode === 'uncaught') { setTimeout(() => { throw new TypeError('thrown in a callback'); }, 5); await new Promise((resolve) => setTimeout(resolve, 2000)); }
  if (event.mode === 'oom') { const hog = []; for (;;) hog.push({ text: 'x'.repeat(64) + Math.random() }); }
  if (event.mode === 'sleep') await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { invocations, threadId };
};`;

function payload(outcome: InvocationOutcome): { invocations: number; threadId: number } {
  if (outcome.kind !== 'ok') throw new Error(`expected a response, got ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.payload as { invocations: number; threadId: number };
}

describe('LocalFunction', () => {
  it("returns the handler's JSON response, with Lambda's context and environment", async () => {
    // Prepare
    const { fn } = localFunction(
      `exports.handler = async (event, context) => ({
        event,
        when: new Date(0),
        context: { functionName: context.functionName, memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId,
          functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis() },
        env: { name: process.env.AWS_LAMBDA_FUNCTION_NAME, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, region: process.env.AWS_REGION,
          taskRoot: process.env.LAMBDA_TASK_ROOT, handler: process.env._HANDLER, key: process.env.AWS_ACCESS_KEY_ID, table: process.env.TABLE,
          home: process.env.HOME ?? null },
      });`,
      { environment: { TABLE: 'aggregates', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }, region: 'eu-west-1' },
    );

    // Act
    const outcome = await fn.invoke({ hello: 'world' });

    // Assess
    expect(outcome).toMatchObject({ kind: 'ok', durationMs: expect.any(Number), requestId: expect.any(String) });
    const response = (outcome as { payload: Record<string, any> }).payload;
    expect(response.event).toEqual({ hello: 'world' });
    expect(response.when).toBe('1970-01-01T00:00:00.000Z'); // serialised as JSON, as Lambda does
    expect(response.context).toMatchObject({
      functionName: fn.name,
      memoryLimitInMB: '128',
      awsRequestId: outcome.requestId,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${fn.name}`,
    });
    expect(response.context.remaining).toBeGreaterThan(4_000);
    expect(response.context.remaining).toBeLessThanOrEqual(5_000);
    expect(response.env).toEqual({
      name: fn.name,
      memory: '128',
      region: 'eu-west-1',
      taskRoot: join(root, `asset-${assetCounter}`),
      handler: 'index.handler',
      key: 'local',
      table: 'aggregates',
      home: null, // nothing of the parent's environment leaks in
    });
  });

  it('keeps an environment warm between invocations and runs overlapping invocations in separate environments', async () => {
    // Prepare
    const { fn } = localFunction(COUNTING_HANDLER);

    // Act
    const first = payload(await fn.invoke({}));
    const second = payload(await fn.invoke({}));
    const overlapping = (await Promise.all([fn.invoke({ mode: 'sleep', ms: 200 }), fn.invoke({ mode: 'sleep', ms: 200 })])).map(payload);

    // Assess
    expect(second).toEqual({ invocations: 2, threadId: first.threadId });
    expect(new Set(overlapping.map((response) => response.threadId)).size).toBe(2);
    expect(fn.coldStarts).toBe(2);
  });

  it('with a reserved concurrency of 1 runs overlapping invocations one after the other in one environment', async () => {
    // Prepare
    const { fn } = localFunction(COUNTING_HANDLER, { reservedConcurrency: 1 });

    // Act
    const responses = (await Promise.all([fn.invoke({ mode: 'sleep', ms: 50 }), fn.invoke({ mode: 'sleep', ms: 50 })])).map(payload);

    // Assess
    expect(responses.map((response) => response.invocations).sort()).toEqual([1, 2]);
    expect(fn.coldStarts).toBe(1);
  });

  it('reports a thrown error with its name as errorType, and the environment stays warm', async () => {
    // Prepare
    const { fn } = localFunction(COUNTING_HANDLER);

    // Act
    const failed = await fn.invoke({ mode: 'throw' });
    const next = payload(await fn.invoke({}));

    // Assess
    expect(failed).toMatchObject({ kind: 'error', errorType: 'ValidationError', errorMessage: 'bad input' });
    expect(next.invocations).toBe(2);
  });

  it.each([
    ['hangs past its timeout', 'hang', 'Sandbox.Timedout', /^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/],
    ['calls process.exit', 'exit', 'Runtime.ExitError', /^RequestId: \S+ Error: Runtime exited with error: exit status 3$/],
    ['allocates past its memory', 'oom', 'Runtime.OutOfMemory', /^RequestId: \S+ Error: Runtime exited with error: signal: killed$/],
    ['throws in a callback (an uncaught exception)', 'uncaught', 'TypeError', /^thrown in a callback$/],
  ])('fails only the invocation of a handler that %s; the next one gets a fresh environment', async (_, mode, errorType, message) => {
    // Prepare
    const { fn } = localFunction(COUNTING_HANDLER, { timeoutMs: 1_000, memoryMb: 64 });
    const warm = payload(await fn.invoke({}));

    // Act
    const failed = await fn.invoke({ mode });
    const next = payload(await fn.invoke({}));

    // Assess
    expect(failed).toMatchObject({ kind: 'error', errorType });
    expect(failed.kind === 'error' && failed.errorMessage).toMatch(message);
    expect(next.invocations).toBe(1); // a cold start: module scope is new
    expect(next.threadId).not.toBe(warm.threadId);
  });

  it('fails the invocation with Lambda init errors when the handler cannot be loaded', async () => {
    // Prepare
    const { fn: missingExport } = localFunction('exports.other = async () => 1;');
    const { fn: missingModule } = localFunction('exports.handler = async () => 1;', { handler: 'missing.handler' });
    const { fn: syntaxError } = localFunction('exports.handler = async () => {');

    // Act + Assess
    expect(await missingExport.invoke({})).toMatchObject({ kind: 'error', errorType: 'Runtime.HandlerNotFound' });
    expect(await missingModule.invoke({})).toMatchObject({ kind: 'error', errorType: 'Runtime.ImportModuleError' });
    expect(await syntaxError.invoke({})).toMatchObject({ kind: 'error', errorType: 'Runtime.UserCodeSyntaxError' });
  });

  it('supports callback-style handlers', async () => {
    // Prepare
    const { fn } = localFunction(
      'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { got: event.n }), 10); };',
    );

    // Act + Assess
    expect(await fn.invoke({ n: 7 })).toMatchObject({ kind: 'ok', payload: { got: 7 } });
  });

  it('sends console output to onLog one whole line at a time', async () => {
    // Prepare
    const { fn, lines } = localFunction(`exports.handler = async () => {
      console.log(JSON.stringify({ _aws: { CloudWatchMetrics: [] }, filler: 'x'.repeat(100000) }));
      process.stdout.write('part one, ');
      process.stdout.write('part two\\n');
      console.error('to stderr');
    };`);

    // Act
    await fn.invoke({});

    // Assess
    await expect.poll(() => lines.length).toBe(3);
    // stdout keeps its order; stderr is a stream of its own.
    const stdout = lines.filter((line) => line !== 'to stderr');
    expect(JSON.parse(stdout[0] ?? '')).toMatchObject({ _aws: { CloudWatchMetrics: [] } });
    expect(stdout[1]).toBe('part one, part two');
    expect(lines).toContain('to stderr');
  });

  it('ends invocations in flight on close, and refuses new ones', async () => {
    // Prepare
    const { fn } = localFunction(COUNTING_HANDLER);
    const inFlight = fn.invoke({ mode: 'sleep', ms: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    await fn.close();

    // Assess
    expect(await inFlight).toMatchObject({ kind: 'error', errorType: 'Runtime.ExitError' });
    await expect(fn.invoke({})).rejects.toBeInstanceOf(LocalFunctionClosedError);
    expect(fn.liveEnvironments).toBe(0);
  });

  it('runs the bundled aggregator handler and passes on its EMF metrics', async () => {
    // Prepare: bundle the real handler as NodejsFunction does (one CommonJS file, SDK included)
    const assetDirectory = join(root, 'aggregator');
    await build({
      entryPoints: [join(__dirname, '..', '..', '..', 'lambdas', 'aggregator', 'handler.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: join(assetDirectory, 'index.js'),
      logLevel: 'silent',
    });
    const lines: string[] = [];
    const fn = new LocalFunction({
      name: 'aggregator',
      assetDirectory,
      handler: 'index.handler',
      timeoutMs: 30_000,
      memoryMb: 512,
      environment: {
        CONSUMER_NAME: 'local-consumer',
        AGGREGATES_TABLE: 'aggregates',
        CHECKPOINT_TABLE: 'checkpoints',
        QUARANTINE_BUCKET: 'quarantine',
        POWERTOOLS_METRICS_NAMESPACE: 'streamtally',
        POWERTOOLS_SERVICE_NAME: 'local-consumer',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_ENDPOINT_URL_S3: inject('s3Endpoint'),
      },
      onLog: (line) => lines.push(line),
    });
    functions.push(fn);

    // Act: an empty batch touches no table
    const outcome = await fn.invoke({ Records: [] });

    // Assess
    expect(outcome).toMatchObject({ kind: 'ok', payload: { batchItemFailures: [] } });
    await expect.poll(() => lines.some((line) => line.includes('"RecordsIn"'))).toBe(true);
    const emf = JSON.parse(lines.find((line) => line.includes('"RecordsIn"')) ?? '{}');
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('streamtally');
    expect(emf.RecordsIn).toBe(0);
  });
});
