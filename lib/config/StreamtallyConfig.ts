import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IConstruct } from 'constructs';
import { consumerMeasuresJson } from './consumerMeasures';
import { parseWindowSpec } from './parseWindowSpec';
import {
  type DataAlertDeclaration,
  DEFAULT_PAGE_BUDGET_BYTES,
  MAX_PAGE_BUDGET_BYTES,
  StreamtallyConfigError,
  type TypeMeasuresDeclaration,
} from '../../core';

/** How the stream's capacity is set. */
export const StreamModeName = {
  provisioned: 'provisioned',
  onDemand: 'on-demand',
} as const;
export type StreamModeName = (typeof StreamModeName)[keyof typeof StreamModeName];

/**
 * Everything a deployment of streamtally can be told. Read by `bin/app.ts` from
 * CDK context (see {@link configFromContext}); every field has a safe default.
 */
export interface StreamtallyConfig {
  /** Deployment stage; names the stack (`Streamtally-<stage>`) and the dashboard. @default 'dev' */
  readonly stage: string;
  /** Provisioned shards or on-demand capacity. @default 'provisioned' */
  readonly streamMode: StreamModeName;
  /** Shards of a provisioned stream (ignored on demand). @default 1 */
  readonly shardCount: number;
  /** How long the stream keeps records, 24 to 8760 hours. @default 24 */
  readonly retentionHours: number;
  /** Window granularities and how long their aggregates live, `granularity:ttl,...`. @default '1m:7d,1h:90d,1d:1100d' */
  readonly windows: string;
  /** How far behind a shard's watermark an event may be and still count. @default 3_600_000 (1 h) */
  readonly allowedLatenessMs: number;
  /** How far ahead of the consumer's clock an event time may be. @default 300_000 (5 min) */
  readonly maxClockSkewMs: number;
  /**
   * Drop repeated producer ids: with one batch per shard at a time, by a ledger of
   * the ids each batch counted (one write per batch and minute of event time); with a
   * parallelization factor above 1, by a conditional put per event. @default true
   */
  readonly dedupProducerIds: boolean;
  /** Keys kept on each window's top-keys leaderboard: the largest N `query --top N` answers (1–1000). @default 100 */
  readonly topKeysDepth: number;
  /**
   * The most bytes a window's cell page may reach, its cells counted before
   * compression: the window's first keys share one item and one write per
   * batch; its further keys get an item each (docs/exactly-once.md). Past 4 KB
   * a page grows only by a batch that writes a cell per KB of it. 0 keeps an
   * item per key only (0, or 256–393216). @default 131072
   */
  readonly pageBudgetBytes: number;
  /** Most records per invocation of the consumer. @default 500 */
  readonly batchSize: number;
  /** How long Lambda gathers records before invoking, in seconds (0–300). @default 1 */
  readonly maxBatchingWindowSeconds: number;
  /** Concurrent batches per shard (1–10). Above 1, order holds only per partition key. @default 1 */
  readonly parallelizationFactor: number;
  /** Producers use the event's `key` as partition key (the SDK's default). @default true */
  readonly eventsPartitionedByKey: boolean;
  /** Retries of a failed batch before it goes to the on-failure destination; -1 retries until the records expire. @default 10 */
  readonly retryAttempts: number;
  /**
   * Records older than this are sent to the on-failure destination instead of the
   * function; -1 means no limit (records are retried until they expire from the stream).
   * @default retentionHours / 4, at most 168 (the Lambda limit of 7 days)
   */
  readonly maxRecordAgeHours: number;
  /** E-mail address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Days a quarantined record (and an on-failure record) is kept. @default 30 */
  readonly quarantineExpirationDays: number;
  /**
   * The freshness SLA: p99 of the time from an event's time to its aggregate's commit
   * (the consumer's `EventFreshnessMs`). Also the consumer-lag warning level.
   * @default - 5000 (applied by the monitoring construct)
   */
  readonly freshnessSlaMs?: number;
  /**
   * The processing-latency SLA: p99 of one batch's processing time (`BatchProcessingMs`).
   * @default - half of `freshnessSlaMs` (applied by the monitoring construct)
   */
  readonly processingLatencySlaMs?: number;
  /**
   * The error-rate SLA: consumer errors per 100 invocations.
   * @default - 1 (applied by the monitoring construct)
   */
  readonly errorRateSlaPercent?: number;
  /**
   * Deploy the dashboard's HTTP API (API Gateway HTTP API, IAM auth, a read-only Lambda;
   * docs/dashboard.md). @default false
   */
  readonly dashboardApi: boolean;
  /**
   * The event types the dashboard API shows, comma-separated: its Lambda has the reader
   * grant, which has no Scan to discover them. @default '' (none)
   */
  readonly dashboardApiEventTypes: string;
  /**
   * Measures beyond count, sum, min and max, by event type: distinct counts, quantiles,
   * dimensions, totals (docs/measures.md). Checked at synth; the consumer gets the
   * resolved form. @default - none
   */
  readonly measures?: Readonly<Record<string, TypeMeasuresDeclaration>>;
  /**
   * Data alerts: thresholds on one aggregate series, each a CloudWatch alarm on the
   * alarm topic (docs/measures.md). @default - none
   */
  readonly alerts?: readonly DataAlertDeclaration[];
}

/** The CDK context key that holds a {@link StreamtallyConfig} object. */
export const CONFIG_CONTEXT_KEY = 'streamtally';

const MAX_RECORD_AGE_LIMIT_HOURS = 168;

const DEFAULTS = {
  stage: 'dev',
  streamMode: StreamModeName.provisioned,
  shardCount: 1,
  retentionHours: 24,
  windows: '1m:7d,1h:90d,1d:1100d',
  allowedLatenessMs: 3_600_000,
  maxClockSkewMs: 300_000,
  dedupProducerIds: true,
  topKeysDepth: 100,
  pageBudgetBytes: DEFAULT_PAGE_BUDGET_BYTES,
  batchSize: 500,
  maxBatchingWindowSeconds: 1,
  parallelizationFactor: 1,
  eventsPartitionedByKey: true,
  retryAttempts: 10,
  quarantineExpirationDays: 30,
  dashboardApi: false,
  dashboardApiEventTypes: '',
} as const satisfies Omit<StreamtallyConfig, 'maxRecordAgeHours' | 'alarmEmail' | MonitoringSettingName | DeclarationSettingName>;

/** The declaration settings: optional, absent means nothing declared. */
type DeclarationSettingName = 'measures' | 'alerts';

/** Monitoring settings: optional, their defaults are derived by the monitoring construct. */
type MonitoringSettingName = 'freshnessSlaMs' | 'processingLatencySlaMs' | 'errorRateSlaPercent';

type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
const FIELD_KINDS: { readonly [K in keyof StreamtallyConfig]-?: FieldKind } = {
  stage: 'string',
  streamMode: 'string',
  shardCount: 'integer',
  retentionHours: 'integer',
  windows: 'string',
  allowedLatenessMs: 'integer',
  maxClockSkewMs: 'integer',
  dedupProducerIds: 'boolean',
  topKeysDepth: 'integer',
  pageBudgetBytes: 'integer',
  batchSize: 'integer',
  maxBatchingWindowSeconds: 'integer',
  parallelizationFactor: 'integer',
  eventsPartitionedByKey: 'boolean',
  retryAttempts: 'integer',
  maxRecordAgeHours: 'number',
  alarmEmail: 'string',
  quarantineExpirationDays: 'integer',
  freshnessSlaMs: 'integer',
  processingLatencySlaMs: 'integer',
  errorRateSlaPercent: 'number',
  dashboardApi: 'boolean',
  dashboardApiEventTypes: 'string',
  measures: 'object',
  alerts: 'array',
};
const FIELD_NAMES = Object.keys(FIELD_KINDS) as (keyof StreamtallyConfig)[];

/**
 * Fills in defaults and validates a partial configuration.
 *
 * @throws StreamtallyConfigError with a one-line message naming the bad setting.
 * @example
 * const config = resolveConfig({ stage: 'prod', shardCount: 4 });
 */
export function resolveConfig(partial: Partial<StreamtallyConfig> = {}): StreamtallyConfig {
  const unknownKeys = Object.keys(partial).filter((key) => !(key in FIELD_KINDS));
  if (unknownKeys.length > 0) {
    throw new StreamtallyConfigError(`unknown setting "${unknownKeys[0]}" (known: ${FIELD_NAMES.join(', ')})`);
  }
  for (const name of FIELD_NAMES) {
    const value = partial[name];
    if (value !== undefined) checkKind(name, value);
  }
  const merged = { ...DEFAULTS, ...withoutUndefined(partial) };

  const stage = merged.stage;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(stage)) {
    throw new StreamtallyConfigError(`stage must be 1–32 letters, digits or dashes, starting with a letter or digit, got "${stage}"`);
  }
  if (merged.streamMode !== StreamModeName.provisioned && merged.streamMode !== StreamModeName.onDemand) {
    throw new StreamtallyConfigError(`streamMode must be "provisioned" or "on-demand", got "${String(merged.streamMode)}"`);
  }
  inRange('shardCount', merged.shardCount, 1, 10_000);
  inRange('retentionHours', merged.retentionHours, 24, 8760);
  parseWindowSpec(merged.windows);
  // Refused here, in one line, rather than by Lambda at deploy (docs/measures.md).
  consumerMeasuresJson(merged);
  inRange('allowedLatenessMs', merged.allowedLatenessMs, 0, Number.MAX_SAFE_INTEGER);
  inRange('maxClockSkewMs', merged.maxClockSkewMs, 0, Number.MAX_SAFE_INTEGER);
  inRange('topKeysDepth', merged.topKeysDepth, 1, 1_000);
  // A page is stored no larger than its budget (plus a few bytes), and a DynamoDB item is at most 400 KB.
  if (merged.pageBudgetBytes !== 0 && !(merged.pageBudgetBytes >= 256 && merged.pageBudgetBytes <= MAX_PAGE_BUDGET_BYTES)) {
    throw new StreamtallyConfigError(
      `pageBudgetBytes must be 0 (an item per key) or from 256 to ${MAX_PAGE_BUDGET_BYTES}, got ${merged.pageBudgetBytes}`,
    );
  }
  inRange('batchSize', merged.batchSize, 1, 10_000);
  inRange('maxBatchingWindowSeconds', merged.maxBatchingWindowSeconds, 0, 300);
  inRange('parallelizationFactor', merged.parallelizationFactor, 1, 10);
  inRange('retryAttempts', merged.retryAttempts, -1, 10_000);
  inRange('quarantineExpirationDays', merged.quarantineExpirationDays, 1, 36_500);
  if (merged.freshnessSlaMs !== undefined) inRange('freshnessSlaMs', merged.freshnessSlaMs, 1, 86_400_000);
  if (merged.processingLatencySlaMs !== undefined) inRange('processingLatencySlaMs', merged.processingLatencySlaMs, 1, 900_000);
  if (merged.errorRateSlaPercent !== undefined) inRange('errorRateSlaPercent', merged.errorRateSlaPercent, 0, 100);

  const maxRecordAgeHours = partial.maxRecordAgeHours ?? Math.min(merged.retentionHours / 4, MAX_RECORD_AGE_LIMIT_HOURS);
  if (maxRecordAgeHours !== -1) {
    const seconds = Math.round(maxRecordAgeHours * 3600);
    if (seconds < 60 || maxRecordAgeHours > MAX_RECORD_AGE_LIMIT_HOURS) {
      throw new StreamtallyConfigError(
        `maxRecordAgeHours must be -1 (no limit) or from 1 minute (0.0167) to 168 hours, got ${maxRecordAgeHours}`,
      );
    }
  }

  const badType = merged.dashboardApiEventTypes.split(',').find((type) => type !== '' && !/^[A-Za-z0-9_.:-]{1,64}$/.test(type));
  if (badType !== undefined) {
    throw new StreamtallyConfigError(
      `dashboardApiEventTypes must be event types separated by commas (A-Z a-z 0-9 _ . : -), got "${badType}"`,
    );
  }
  const alarmEmail = merged.alarmEmail;
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new StreamtallyConfigError(`alarmEmail must be an e-mail address, got "${alarmEmail}"`);
  }

  return { ...merged, maxRecordAgeHours, ...(alarmEmail === undefined ? {} : { alarmEmail }) };
}

/** What a config file is checked with from the rest of the context: the windows set before and after it. */
export interface FileContext {
  /** `windows` of the `streamtally` context object, which the file overrides. */
  readonly windowsBefore?: unknown;
  /** A plain `-c windows=…` key, which overrides the file. */
  readonly windowsAfter?: unknown;
}

/** The CDK context key that names a JSON file of settings (`cdk deploy -c config=config/prod.json`). */
export const CONFIG_FILE_CONTEXT_KEY = 'config';

/**
 * Reads the configuration from CDK context, each source overriding the one before:
 * 1. the object under the `streamtally` key (e.g. in cdk.json);
 * 2. the JSON file named by the `config` key (`cdk deploy -c config=config/prod.json`,
 *    a path relative to the working directory): an object of the same settings,
 *    with JSON types (numbers as numbers);
 * 3. plain keys of the settings' names (`cdk synth -c shardCount=2 -c stage=prod`),
 *    which arrive as strings and are converted to the setting's type.
 *
 * @throws StreamtallyConfigError with a one-line message naming the bad setting
 *   (and the file, for a problem in the file).
 */
export function configFromContext(scope: IConstruct): StreamtallyConfig {
  const object: unknown = scope.node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (object !== undefined && (object === null || typeof object !== 'object' || Array.isArray(object))) {
    throw new StreamtallyConfigError(`context "${CONFIG_CONTEXT_KEY}" must be an object of settings`);
  }
  const file: unknown = scope.node.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file !== undefined && (typeof file !== 'string' || file.trim() === '')) {
    throw new StreamtallyConfigError(
      `context "${CONFIG_FILE_CONTEXT_KEY}" must be the path of a JSON file of settings, got ${JSON.stringify(file)}`,
    );
  }
  // The file's alerts are checked against the windows the stack will have, which may come from elsewhere.
  const plainWindows: unknown = scope.node.tryGetContext('windows');
  const raw: Record<string, unknown> = {
    ...(object as Record<string, unknown> | undefined),
    ...(file === undefined
      ? {}
      : readConfigFile(file, {
          windowsBefore: (object as Record<string, unknown> | undefined)?.windows,
          windowsAfter: plainWindows,
        })),
  };
  for (const name of FIELD_NAMES) {
    const value: unknown = scope.node.tryGetContext(name);
    if (value !== undefined) raw[name] = value;
  }
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const kind = FIELD_KINDS[name as keyof StreamtallyConfig];
    typed[name] = kind === undefined ? value : fromContext(name, kind, value);
  }
  return resolveConfig(typed as Partial<StreamtallyConfig>);
}

/**
 * Reads and validates a JSON file of settings on its own, so that a problem in it
 * is reported with the file's name.
 *
 * @throws StreamtallyConfigError `config file config/prod.json: shardCount must be a whole number, got "2"`
 */
export function readConfigFile(file: string, context: FileContext = {}): Partial<StreamtallyConfig> {
  const fail = (message: string): never => {
    throw new StreamtallyConfigError(`config file ${file}: ${message}`);
  };
  let text = '';
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('must hold a JSON object of settings');
  const settings = parsed as Partial<StreamtallyConfig>;
  // The windows in force: plain -c keys override the file, which overrides the context object.
  // A bad spec from elsewhere is reported, without the file's name, by the final resolveConfig,
  // before the declaration it would be checked against.
  const inForce = [context.windowsAfter, settings.windows, context.windowsBefore].find((value) => typeof value === 'string') as
    | string
    | undefined;
  let checked: Partial<StreamtallyConfig> = settings;
  if (inForce !== undefined && inForce !== settings.windows && (settings.windows === undefined || typeof settings.windows === 'string')) {
    const { measures: _measures, alerts: _alerts, ...withoutDeclaration } = settings;
    checked = parsesAsWindows(inForce) ? { ...settings, windows: inForce } : withoutDeclaration;
  }
  try {
    resolveConfig(checked);
  } catch (error) {
    if (error instanceof StreamtallyConfigError) fail(error.message);
    throw error;
  }
  return settings;
}

function parsesAsWindows(spec: string): boolean {
  try {
    parseWindowSpec(spec);
    return true;
  } catch {
    return false;
  }
}

function fromContext(name: string, kind: FieldKind, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (kind) {
    case 'string':
      return value;
    case 'object':
    case 'array':
      // `-c measures='{...}'` arrives as text.
      try {
        return JSON.parse(value) as unknown;
      } catch (error) {
        throw new StreamtallyConfigError(`${name} must be JSON, got ${JSON.stringify(value)} (${(error as Error).message.split('\n')[0]})`);
      }
    case 'boolean':
      if (value === 'true') return true;
      if (value === 'false') return false;
      throw new StreamtallyConfigError(`${name} must be true or false, got "${value}"`);
    case 'integer':
    case 'number': {
      const number = value.trim() === '' ? Number.NaN : Number(value);
      if (!Number.isFinite(number)) throw new StreamtallyConfigError(`${name} must be a number, got "${value}"`);
      return number;
    }
  }
}

function checkKind(name: keyof StreamtallyConfig, value: unknown): void {
  const kind = FIELD_KINDS[name];
  const ok =
    kind === 'boolean'
      ? typeof value === 'boolean'
      : kind === 'string'
        ? typeof value === 'string'
        : kind === 'integer'
          ? Number.isSafeInteger(value)
          : kind === 'object'
            ? value !== null && typeof value === 'object' && !Array.isArray(value)
            : kind === 'array'
              ? Array.isArray(value)
              : typeof value === 'number' && Number.isFinite(value);
  if (!ok) {
    const article =
      kind === 'integer'
        ? 'a whole number'
        : kind === 'number'
          ? 'a number'
          : kind === 'array' || kind === 'object'
            ? `an ${kind}`
            : `a ${kind}`;
    throw new StreamtallyConfigError(`${name} must be ${article}, got ${JSON.stringify(value)}`);
  }
}

function inRange(name: string, value: number, min: number, max: number): void {
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new StreamtallyConfigError(`${name} must be ${range}, got ${value}`);
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
