import * as path from 'node:path';
import { AlarmEvaluator, type AlarmEvaluation, type AlarmStateChange } from '../alarms/AlarmEvaluator';
import { alarmsFromTemplate } from '../alarms/alarmsFromTemplate';
import { datumsFromEmf } from '../alarms/datumsFromEmf';
import { InMemoryMetricStore } from '../alarms/InMemoryMetricStore';
import { localClients, startEmulators, type EmulatorError, type LocalClients, type LocalEndpoints } from '../emulators';
import { LocalKinesisEventSourceMapping, MappingCheckpointFile, type MappingState } from '../esm';
import { LocalFunction } from '../lambda';
import { localPaths, localResourcesFromOutputs, removeLocalState, writeLocalState, type LocalState } from '../state';
import { describeNotEmulated, planLocalStack, provisionLocalStack, readCloudAssembly, type LocalStackPlan } from '../template';

/** How to start the local stack. */
export interface LocalRuntimeOptions {
  /** The project whose `cdk.out` and `.streamtally/` are used. */
  readonly projectRoot: string;
  /** @default - the only stack in cdk.out */
  readonly stackName?: string;
  /** Fixed emulator ports; free ports otherwise. */
  readonly ports?: { readonly kinesis?: number; readonly dynamodb?: number; readonly s3?: number };
  /** Progress and notices, one line each. */
  readonly log: (line: string) => void;
  /** Every line the functions print (their logs and EMF documents). @default - dropped */
  readonly functionLog?: (functionName: string, line: string) => void;
  /** Alarm state changes as CloudWatch would report them. */
  readonly onAlarmChange?: (change: AlarmStateChange) => void;
  /** An emulator died: the stack cannot go on. */
  readonly onFatal?: (error: EmulatorError) => void;
  /** How often the template's alarms are evaluated; 0 evaluates them only through `evaluateAlarmsNow()`. @default 10_000 */
  readonly alarmIntervalMs?: number;
  /**
   * CloudWatch's clock, epoch ms: it stamps metrics as they reach the metric store and
   * is the time the alarms are evaluated at. Metric values (IteratorAge, Duration, the
   * functions' EMF values) are still measured on the wall clock; an EMF document's own
   * timestamp is moved by this clock's lead over `Date.now()` when the line arrives.
   * Tests give a clock that runs ahead of the wall clock so that the alarms' one-minute
   * periods pass in seconds.
   * @default Date.now
   */
  readonly clock?: () => number;
  /**
   * Test hook: `false` provisions everything and starts the functions but not the event
   * source mappings, until `startConsumers()` (to build a backlog while the consumer is down).
   * @default true
   */
  readonly startConsumers?: boolean;
  /**
   * Test hook: the endpoints the functions are given, from the emulators' own (for
   * example a fault-injecting proxy in front of DynamoDB). Clients of the runtime
   * itself (provisioning, the mappings, `clients`) keep the emulators' endpoints.
   * @default - the emulators' endpoints
   */
  readonly functionEndpoints?: (endpoints: LocalEndpoints) => LocalEndpoints | Promise<LocalEndpoints>;
  /**
   * Test hook: the endpoints the event source mappings read the stream through (and
   * write their on-failure records to), from the emulators' own (for example a
   * fault-injecting proxy in front of Kinesis). Everything else (provisioning, the
   * functions unless `functionEndpoints` says otherwise, `clients`) keeps the emulators' endpoints.
   * @default - the emulators' endpoints
   */
  readonly mappingEndpoints?: (endpoints: LocalEndpoints) => LocalEndpoints | Promise<LocalEndpoints>;
}

/** A running local stack. */
export interface LocalRuntime {
  readonly state: LocalState;
  readonly stateFile: string;
  readonly plan: LocalStackPlan;
  readonly clients: LocalClients;
  /** The metrics CloudWatch would hold: the functions' EMF documents and the mappings' Lambda metrics. */
  readonly metrics: InMemoryMetricStore;
  readonly alarms: AlarmEvaluator;
  /** Per mapping: shards and their progress. */
  mappingStates(): MappingState[];
  /** Starts the event source mappings if `startConsumers: false` held them back; does nothing otherwise. */
  startConsumers(): Promise<void>;
  /** Every alarm's state after the latest evaluation, by alarm name. */
  alarmStates(): Readonly<Record<string, string>>;
  /**
   * Evaluates the template's alarms now (at the runtime's clock), as the timer does: changes go to `onAlarmChange` too.
   * `atMs`, when later than the clock, evaluates as of that time instead: what CloudWatch will report then if no
   * more data arrives (a demo that has stopped sending closes its last period so). The alarms' clock never runs
   * backwards: later evaluations, the timer's too, are at `atMs` at least.
   */
  evaluateAlarmsNow(atMs?: number): AlarmEvaluation;
  /** Stops the consumers, then the emulators; removes the state file. Safe to call twice. */
  stop(): Promise<void>;
}

const EVALUATED_TYPES = new Set(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']);
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/**
 * Starts the whole stack on this machine: the emulators as child processes,
 * the resources of the synthesized template, every function of the template
 * from its bundled asset in cdk.out, run by a local event source mapping, and
 * the template's alarms evaluated against the metrics they emit. Writes the
 * state file once events can be sent.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const paths = localPaths(options.projectRoot);
  const assembly = readCloudAssembly(paths.cdkOutDir, options.stackName);
  const plan = planLocalStack(assembly.template, assembly.assemblyDir, { stackName: assembly.stackName });
  let state: LocalState | undefined;
  const emulators = await startEmulators({
    dataDir: path.join(paths.localDir, 'data'),
    ports: options.ports,
    region: plan.region,
    log: options.log,
    onKinesisRestart: (pid) => {
      if (!state || stopped) return;
      state = { ...state, emulatorPids: { ...state.emulatorPids, kinesis: pid } };
      writeLocalState(state, options.projectRoot);
    },
  });
  // The runtime evaluates the template's alarms itself (below), so they are emulated here.
  const notEmulated = {
    ...plan.notEmulated,
    resourceTypes: plan.notEmulated.resourceTypes.filter((entry) => !EVALUATED_TYPES.has(entry.type)),
  };
  for (const line of describeNotEmulated(notEmulated)) options.log(line);
  const clients = localClients(emulators.endpoints);
  const clock = options.clock ?? Date.now;
  let mappingClients = clients;
  const functions: LocalFunction[] = [];
  const mappings: LocalKinesisEventSourceMapping[] = [];
  let alarmTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (alarmTimer) clearInterval(alarmTimer);
    await Promise.allSettled(mappings.map((mapping) => mapping.stop()));
    await Promise.allSettled(functions.map((fn) => fn.close()));
    for (const client of Object.values(clients)) client.destroy();
    if (mappingClients !== clients) for (const client of Object.values(mappingClients)) client.destroy();
    await emulators.stop();
    removeLocalState(options.projectRoot, process.pid);
  };
  emulators.onExit((error) => {
    if (!stopped) options.onFatal?.(error);
  });

  try {
    for (const resource of (await provisionLocalStack(plan, clients)).resources) {
      options.log(`${resource.outcome} ${resource.kind} ${resource.name}`);
    }
    const metrics = new InMemoryMetricStore();
    // A mapping keeps its UUID and its position across restarts, as the same mapping on AWS does;
    // a fresh data directory is a new mapping, starting at the template's StartingPosition.
    const checkpointFiles = new Map(
      plan.eventSourceMappings.map((mapping) => [
        mapping.logicalId,
        new MappingCheckpointFile(path.join(paths.localDir, 'data', 'esm', `${mapping.logicalId}.json`)),
      ]),
    );
    const mappingUuids = new Map([...checkpointFiles].map(([logicalId, file]) => [logicalId, file.uuid]));
    const physicalIds = new Map<string, string>([
      ...plan.streams.map((stream) => [stream.logicalId, stream.streamName] as const),
      ...plan.tables.map((table) => [table.logicalId, table.tableName] as const),
      ...plan.buckets.map((bucket) => [bucket.logicalId, bucket.bucketName] as const),
      ...plan.functions.map((fn) => [fn.logicalId, fn.functionName] as const),
      ...mappingUuids,
    ]);
    const alarms = new AlarmEvaluator(
      alarmsFromTemplate(assembly.template, {
        physicalId: (id) => physicalIds.get(id),
        region: plan.region,
        accountId: plan.accountId,
        stackName: plan.stackName,
      }),
      metrics,
    );

    const functionEndpoints = options.functionEndpoints ? await options.functionEndpoints(emulators.endpoints) : emulators.endpoints;
    const functionsByLogicalId = new Map<string, LocalFunction>();
    for (const fn of plan.functions) {
      const local = new LocalFunction({
        name: fn.functionName,
        functionArn: fn.functionArn,
        assetDirectory: fn.assetDirectory,
        handler: fn.handler,
        timeoutMs: fn.timeoutSeconds * 1000,
        memoryMb: fn.memorySizeMb,
        region: plan.region,
        reservedConcurrency: fn.reservedConcurrentExecutions,
        environment: {
          ...fn.environment,
          ...LOCAL_CREDENTIALS,
          AWS_ENDPOINT_URL_KINESIS: functionEndpoints.kinesis,
          AWS_ENDPOINT_URL_DYNAMODB: functionEndpoints.dynamodb,
          AWS_ENDPOINT_URL_S3: functionEndpoints.s3,
        },
        onLog: (line) => {
          // EMF documents are how the function's own metrics reach CloudWatch.
          if (line.startsWith('{') && line.includes('"_aws"')) {
            try {
              const lead = clock() - Date.now();
              metrics.put(
                datumsFromEmf(JSON.parse(line)).map((datum) => (lead === 0 ? datum : { ...datum, timestamp: datum.timestamp + lead })),
              );
            } catch {
              // Not JSON after all: an ordinary log line.
            }
          }
          options.functionLog?.(fn.functionName, line);
        },
      });
      functions.push(local);
      functionsByLogicalId.set(fn.logicalId, local);
    }

    if (options.mappingEndpoints) mappingClients = localClients(await options.mappingEndpoints(emulators.endpoints));
    for (const mapping of plan.eventSourceMappings.filter((candidate) => candidate.enabled)) {
      const fn = functionsByLogicalId.get(mapping.functionLogicalId);
      if (!fn)
        throw new Error(`event source mapping ${mapping.logicalId} names function ${mapping.functionLogicalId}, which the plan lacks`);
      const uuid = mappingUuids.get(mapping.logicalId) as string;
      mappings.push(
        new LocalKinesisEventSourceMapping(
          {
            uuid,
            functionName: mapping.functionName,
            functionArn: plan.functions.find((candidate) => candidate.logicalId === mapping.functionLogicalId)?.functionArn,
            accountId: plan.accountId,
            streamName: mapping.streamName,
            batchSize: mapping.batchSize,
            maximumBatchingWindowMs: mapping.maximumBatchingWindowInSeconds * 1000,
            startingPosition: mapping.startingPosition,
            startingPositionTimestamp: mapping.startingPositionTimestamp,
            parallelizationFactor: mapping.parallelizationFactor,
            bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
            maximumRetryAttempts: mapping.maximumRetryAttempts,
            maximumRecordAgeSeconds: mapping.maximumRecordAgeInSeconds,
            functionResponseTypes: [...mapping.functionResponseTypes],
            onFailure: mapping.onFailureDestination ? { bucket: mapping.onFailureDestination.bucketName } : undefined,
            tumblingWindowInSeconds: mapping.tumblingWindowInSeconds || undefined,
            filterPatterns: mapping.filterPatterns,
          },
          {
            kinesis: mappingClients.kinesis,
            s3: mappingClients.s3,
            checkpoints: checkpointFiles.get(mapping.logicalId),
            invoke: (event) => fn.invoke(event),
            log: (message) => options.log(`[${mapping.functionName}] ${message}`),
            onMetric: (name, value, _unit, dimensions) => {
              metrics.put({ namespace: 'AWS/Lambda', metricName: name, dimensions, timestamp: clock(), value });
            },
          },
        ),
      );
    }
    let consumersStarted: Promise<void> | undefined;
    const startConsumers = (): Promise<void> =>
      (consumersStarted ??= Promise.all(mappings.map((mapping) => mapping.start())).then(() => undefined));
    if (options.startConsumers !== false) await startConsumers();

    let alarmStates: Readonly<Record<string, string>> = {};
    // An evaluation at a later time has seen those periods complete; an earlier one after it would undo that.
    let evaluatedAtMs = Number.NEGATIVE_INFINITY;
    const evaluateAlarmsNow = (atMs?: number): AlarmEvaluation => {
      const now = Math.max(clock(), atMs ?? Number.NEGATIVE_INFINITY, evaluatedAtMs);
      evaluatedAtMs = now;
      const evaluation = alarms.evaluate(now);
      alarmStates = evaluation.states;
      for (const change of evaluation.changes) options.onAlarmChange?.(change);
      // Alarms read a few periods back; older data is of no use.
      metrics.prune(now - 3 * 3_600_000);
      return evaluation;
    };
    const alarmIntervalMs = options.alarmIntervalMs ?? 10_000;
    if (alarmIntervalMs > 0) {
      alarmTimer = setInterval(() => evaluateAlarmsNow(), alarmIntervalMs);
      alarmTimer.unref();
    }

    state = {
      region: plan.region,
      endpoints: emulators.endpoints,
      resources: localResourcesFromOutputs(plan.outputs),
      outputs: plan.outputs,
      stackName: plan.stackName,
      pid: process.pid,
      emulatorPids: { kinesis: emulators.kinesis.pid, dynamodb: emulators.dynamodb.pid, s3: emulators.s3.pid },
      startedAt: new Date().toISOString(),
    };
    const stateFile = writeLocalState(state, options.projectRoot);
    const current = (): LocalState => state as LocalState;
    return {
      get state() {
        return current();
      },
      stateFile,
      plan,
      clients,
      metrics,
      alarms,
      mappingStates: () => mappings.map((mapping) => mapping.state()),
      startConsumers,
      alarmStates: () => alarmStates,
      evaluateAlarmsNow,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
