import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  LocalKinesisEventSourceMapping,
  type EsmMetricUnit,
  type MappingDependencies,
  type MappingSettings,
} from '../../../../src/local/esm';
import { LocalFunction } from '../../../../src/local/lambda';
import { readInvocations, writeAsset, type SeenInvocation } from './functionAssets';

/** A metric data point as a mapping emitted it. */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly unit: EsmMetricUnit;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A function and the mapping that feeds it, with what they reported. */
export interface RunningMapping {
  readonly mapping: LocalKinesisEventSourceMapping;
  readonly fn: LocalFunction;
  readonly recordFile: string;
  readonly metrics: MetricPoint[];
  readonly logs: string[];
  /** What the handler noted so far. */
  invocations(): SeenInvocation[];
}

/** What a test sets; the rest defaults to Lambda's defaults for Kinesis. */
export type MappingOverrides = Partial<MappingSettings> & { readonly streamName: string };

/**
 * Builds mappings for one test file: a recording handler written as an
 * asset, run by a LocalFunction, fed by a LocalKinesisEventSourceMapping —
 * and stops them all in `closeAll`, so no worker or poller outlives the file.
 */
export class EsmHarness {
  /** Shared by every harness of the process, so functions never share an asset or a record file. */
  private static counter = 0;
  private readonly running: RunningMapping[] = [];

  constructor(
    private readonly root: string,
    private readonly kinesis: KinesisClient,
    private readonly s3?: S3Client,
  ) {}

  /** Writes `handlerSource` as an asset and starts a mapping into it. */
  async start(
    handlerSource: string,
    overrides: MappingOverrides,
    options: {
      readonly now?: () => number;
      readonly timeoutMs?: number;
      readonly environment?: Record<string, string>;
      readonly start?: boolean;
    } = {},
  ): Promise<RunningMapping> {
    EsmHarness.counter += 1;
    const name = `fn${EsmHarness.counter}`;
    const assetDirectory = writeAsset(this.root, name, handlerSource);
    const recordFile = join(this.root, `${name}.jsonl`);
    const logs: string[] = [];
    const metrics: MetricPoint[] = [];
    const fn = new LocalFunction({
      name,
      assetDirectory,
      handler: 'index.handler',
      environment: { RECORD_FILE: recordFile, ...options.environment },
      timeoutMs: options.timeoutMs ?? 10_000,
      memoryMb: 128,
      onLog: (line) => logs.push(line),
    });
    const settings: MappingSettings = {
      functionName: name,
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      startingPosition: 'TRIM_HORIZON',
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      functionResponseTypes: [],
      ...overrides,
    };
    const dependencies: MappingDependencies = {
      kinesis: this.kinesis,
      ...(this.s3 ? { s3: this.s3 } : {}),
      invoke: (event) => fn.invoke(event),
      ...(options.now ? { now: options.now } : {}),
      log: (message) => logs.push(`[esm] ${message}`),
      onMetric: (metricName, value, unit, dimensions) => metrics.push({ name: metricName, value, unit, dimensions }),
      pollIntervalMs: 100,
      shardDiscoveryIntervalMs: 300,
    };
    const mapping = new LocalKinesisEventSourceMapping(settings, dependencies);
    const running: RunningMapping = { mapping, fn, recordFile, metrics, logs, invocations: () => readInvocations(recordFile) };
    this.running.push(running);
    if (options.start !== false) await mapping.start();
    return running;
  }

  /** Stops every mapping, then every function. */
  async closeAll(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.all(running.map((entry) => entry.mapping.stop()));
    await Promise.all(running.map((entry) => entry.fn.close()));
  }
}
