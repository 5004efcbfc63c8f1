import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromContext, resolveConfig, type StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { parseWindowSpec } from '../../lib/config/parseWindowSpec';
import { consumerMeasuresJson, MAX_MEASURES_ENV_BYTES, measuresOf } from '../../lib/config/consumerMeasures';
import { StreamtallyConfigError } from '../../core';
import { newApp } from './synthStack';

describe('resolveConfig', () => {
  it('fills in the defaults', () => {
    expect(resolveConfig()).toEqual({
      stage: 'dev',
      streamMode: 'provisioned',
      shardCount: 1,
      retentionHours: 24,
      windows: '1m:7d,1h:90d,1d:1100d',
      allowedLatenessMs: 3_600_000,
      maxClockSkewMs: 300_000,
      dedupProducerIds: true,
      topKeysDepth: 100,
      pageBudgetBytes: 131_072,
      batchSize: 500,
      maxBatchingWindowSeconds: 1,
      parallelizationFactor: 1,
      eventsPartitionedByKey: true,
      retryAttempts: 10,
      maxRecordAgeHours: 6,
      quarantineExpirationDays: 30,
      dashboardApi: false,
      dashboardApiEventTypes: '',
    });
  });

  it('derives maxRecordAgeHours from the retention, within the 7-day Lambda limit', () => {
    expect(resolveConfig({ retentionHours: 48 }).maxRecordAgeHours).toBe(12);
    expect(resolveConfig({ retentionHours: 8760 }).maxRecordAgeHours).toBe(168);
    expect(resolveConfig({ retentionHours: 48, maxRecordAgeHours: 2 }).maxRecordAgeHours).toBe(2);
    expect(resolveConfig({ maxRecordAgeHours: -1 }).maxRecordAgeHours).toBe(-1);
  });

  it.each<[Partial<StreamtallyConfig>, RegExp]>([
    [{ retentionHours: 12 }, /^retentionHours must be from 24 to 8760, got 12$/],
    [{ retentionHours: 9000 }, /^retentionHours must be from 24 to 8760, got 9000$/],
    [{ retentionHours: 24.5 }, /^retentionHours must be a whole number, got 24\.5$/],
    [{ shardCount: 0 }, /^shardCount must be from 1 to 10000, got 0$/],
    [{ streamMode: 'serverless' as never }, /^streamMode must be "provisioned" or "on-demand", got "serverless"$/],
    [{ stage: 'my stage' }, /^stage must be 1–32 letters/],
    [{ windows: '1m' }, /^windows: granularities "1m": "1m" must be label:ttl/],
    [{ windows: '1m:7x' }, /^windows: .*ttl "7x" of "1m" must be a duration/],
    [{ windows: '' }, /^windows: .*no granularity given/],
    [{ windows: '7m:7d' }, /^windows: .*must divide a day exactly/],
    [{ windows: '1h:30m' }, /must be at least the window size$/],
    [{ windows: '1m:7d,1m:8d' }, /label "1m" appears twice$/],
    [{ batchSize: 20_000 }, /^batchSize must be from 1 to 10000, got 20000$/],
    [{ pageBudgetBytes: 100 }, /^pageBudgetBytes must be 0 \(an item per key\) or from 256 to 393216, got 100$/],
    [{ pageBudgetBytes: 393_217 }, /^pageBudgetBytes must be 0 \(an item per key\) or from 256 to 393216, got 393217$/],
    [{ maxBatchingWindowSeconds: 301 }, /^maxBatchingWindowSeconds must be from 0 to 300/],
    [{ parallelizationFactor: 11 }, /^parallelizationFactor must be from 1 to 10, got 11$/],
    [{ retryAttempts: -2 }, /^retryAttempts must be from -1 to 10000, got -2$/],
    [{ maxRecordAgeHours: 200 }, /^maxRecordAgeHours must be -1 \(no limit\) or from 1 minute/],
    [{ maxRecordAgeHours: 0 }, /^maxRecordAgeHours must be -1/],
    [{ allowedLatenessMs: -1 }, /^allowedLatenessMs must be at least 0, got -1$/],
    [{ alarmEmail: 'nobody' }, /^alarmEmail must be an e-mail address, got "nobody"$/],
    [{ quarantineExpirationDays: 0 }, /^quarantineExpirationDays must be from 1/],
    [{ dedupProducerIds: 'yes' as never }, /^dedupProducerIds must be a boolean, got "yes"$/],
    [{ shardCoutn: 2 } as never, /^unknown setting "shardCoutn" \(known: stage, /],
  ])('refuses %j with one line', (partial, message) => {
    const error = catchError(() => resolveConfig(partial));
    expect(error).toBeInstanceOf(StreamtallyConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
});

describe('configFromContext', () => {
  it('reads the streamtally object and lets plain -c keys win, converting strings', () => {
    const app = new App({
      context: {
        streamtally: { stage: 'prod', shardCount: 4, alarmEmail: 'ops@example.com' },
        shardCount: '2',
        retentionHours: '48',
        dedupProducerIds: 'false',
        maxRecordAgeHours: '1.5',
      },
    });
    expect(configFromContext(app)).toMatchObject({
      stage: 'prod',
      shardCount: 2,
      retentionHours: 48,
      dedupProducerIds: false,
      maxRecordAgeHours: 1.5,
      alarmEmail: 'ops@example.com',
    });
  });

  it('gives the defaults without context', () => {
    expect(configFromContext(new App())).toEqual(resolveConfig());
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ shardCount: 'two' }, /^shardCount must be a number, got "two"$/],
    [{ dedupProducerIds: 'yes' }, /^dedupProducerIds must be true or false, got "yes"$/],
    [{ streamtally: 'prod' }, /^context "streamtally" must be an object of settings$/],
    [{ streamtally: { retention: 48 } }, /^unknown setting "retention"/],
    [{ retentionHours: '12' }, /^retentionHours must be from 24 to 8760, got 12$/],
  ])('refuses %j', (context, message) => {
    expect(() => configFromContext(new App({ context }))).toThrow(message);
  });
});

describe('configFromContext with -c config=<file>', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'streamtally-config-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let files = 0;
  /** A config file holding `content` (an object is written as JSON, a string as is). */
  const file = (content: unknown): string => {
    const name = path.join(directory, `config-${++files}.json`);
    writeFileSync(name, typeof content === 'string' ? content : JSON.stringify(content));
    return name;
  };

  it('reads the settings of the file, typed as JSON', () => {
    const config = file({
      stage: 'prod',
      shardCount: 4,
      retentionHours: 48,
      dedupProducerIds: false,
      alarmEmail: 'ops@example.com',
      freshnessSlaMs: 2000,
    });
    expect(configFromContext(new App({ context: { config } }))).toEqual(
      resolveConfig({
        stage: 'prod',
        shardCount: 4,
        retentionHours: 48,
        dedupProducerIds: false,
        alarmEmail: 'ops@example.com',
        freshnessSlaMs: 2000,
      }),
    );
  });

  it('overrides the streamtally object of cdk.json and is overridden by plain -c keys', () => {
    const config = file({ stage: 'prod', shardCount: 4 });
    const app = new App({ context: { streamtally: { stage: 'staging', shardCount: 3, retentionHours: 72 }, config, shardCount: '6' } });
    expect(configFromContext(app)).toMatchObject({ stage: 'prod', shardCount: 6, retentionHours: 72 });
  });

  it('resolves a relative path against the working directory, as cdk runs it from the project root', () => {
    expect(configFromContext(new App({ context: { config: 'config/prod.example.json' } }))).toMatchObject({ stage: 'prod', shardCount: 2 });
  });

  it('reads config/prod.example.json into a stack that synthesizes, with nothing account-specific in it', () => {
    const config = configFromContext(new App({ context: { config: path.join(__dirname, '..', '..', 'config', 'prod.example.json') } }));
    expect(config).toMatchObject({ stage: 'prod', shardCount: 2, alarmEmail: 'oncall@example.com', processingLatencySlaMs: 2500 });
    const template = Template.fromStack(new StreamtallyStack(new App(), `Streamtally-${config.stage}`, { config }));
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 2 });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    const text = JSON.stringify(config);
    expect(text).not.toMatch(/\d{12}/); // no account id
    expect(text).not.toMatch(/arn:/);
  });

  it.each<[string, unknown, RegExp]>([
    ['a missing file', undefined, /^config file .*config-missing\.json: not found$/],
    ['invalid JSON', '{"stage": "prod",}', /^config file .*: is not valid JSON \(/],
    ['an array', [{ stage: 'prod' }], /^config file .*: must hold a JSON object of settings$/],
    ['an unknown setting', { stage: 'prod', retention: 48 }, /^config file .*: unknown setting "retention" \(known: stage, /],
    ['a number written as a string', { shardCount: '2' }, /^config file .*: shardCount must be a whole number, got "2"$/],
    ['a value out of range', { retentionHours: 12 }, /^config file .*: retentionHours must be from 24 to 8760, got 12$/],
    ['a bad e-mail', { alarmEmail: 'ops' }, /^config file .*: alarmEmail must be an e-mail address, got "ops"$/],
  ])('refuses %s with one line naming the file', (_case, content, message) => {
    const config = content === undefined ? path.join(directory, 'config-missing.json') : file(content);
    const error = catchError(() => configFromContext(new App({ context: { config } })));
    expect(error).toBeInstanceOf(StreamtallyConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('refuses a config context that is not a path', () => {
    expect(() => configFromContext(new App({ context: { config: { stage: 'prod' } } }))).toThrow(
      /^context "config" must be the path of a JSON file of settings/,
    );
  });
});

describe('measures and alerts', () => {
  const alert = { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 };

  it('are kept as written and resolved against the windows', () => {
    const config = resolveConfig({ measures: { page_view: { distinct: ['attrs.user'] } }, alerts: [alert] });
    expect(config.measures).toEqual({ page_view: { distinct: ['attrs.user'] } });
    expect(measuresOf(config)).toEqual({
      types: {
        page_view: {
          stats: ['count', 'sum', 'min', 'max'],
          distinct: [{ field: 'attrs.user', precision: 12 }],
          dimensions: [],
          total: false,
        },
        purchase: { stats: ['count', 'sum', 'min', 'max'], distinct: [], dimensions: [], total: true },
      },
      alerts: [
        {
          name: 'few-purchases',
          type: 'purchase',
          window: '1m',
          measure: 'count',
          comparison: 'below',
          threshold: 10,
          evaluationPeriods: 1,
        },
      ],
    });
    expect(resolveConfig()).not.toHaveProperty('measures');
  });

  it('give the consumer JSON only when something is declared', () => {
    expect(consumerMeasuresJson(resolveConfig())).toBeUndefined();
    expect(consumerMeasuresJson(resolveConfig({ measures: {}, alerts: [] }))).toBeUndefined();
    const config = resolveConfig({ alerts: [alert] });
    expect(JSON.parse(consumerMeasuresJson(config)!)).toEqual(measuresOf(config));
  });

  it.each<[Partial<StreamtallyConfig>, RegExp]>([
    [{ measures: [] as never }, /^measures must be an object, got \[\]$/],
    [{ alerts: {} as never }, /^alerts must be an array, got \{\}$/],
    [
      { measures: { page_view: { distinct: [{ field: 'attrs.user', precision: 20 }] } } },
      /^measures\.page_view\.distinct\[0\]\.precision must be a whole number from 4 to 16, got 20$/,
    ],
    [{ windows: '5m:7d,1d:30d', alerts: [alert] }, /^alerts\[0\]\.window must be one of the windows \(5m, 1d\), got "1m"$/],
  ])('refuses %j with one line', (partial, message) => {
    const error = catchError(() => resolveConfig(partial));
    expect(error).toBeInstanceOf(StreamtallyConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it(`refuses a declaration over ${MAX_MEASURES_ENV_BYTES} bytes of JSON, in one line`, () => {
    const alerts = Array.from({ length: 40 }, (_, i) => ({ ...alert, name: `alert-${i}`, key: `key-${i}` }));
    const error = catchError(() => resolveConfig({ alerts }));
    expect(error).toBeInstanceOf(StreamtallyConfigError);
    expect(error.message).toMatch(
      /^measures and alerts resolve to \d+ bytes of JSON, more than the 3000 the consumer's environment can hold/,
    );
    expect(error.message).not.toContain('\n');
    expect(() => resolveConfig({ alerts: alerts.slice(0, 10) })).not.toThrow();
  });

  it('come from a config file, and a bad one is named with the file', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'streamtally-measures-'));
    try {
      const good = path.join(directory, 'good.json');
      writeFileSync(good, JSON.stringify({ measures: { page_view: { quantiles: true } }, alerts: [alert] }));
      expect(measuresOf(configFromContext(new App({ context: { config: good } }))).types.page_view?.quantiles).toEqual({
        relativeAccuracy: 0.01,
      });
      const bad = path.join(directory, 'bad.json');
      writeFileSync(bad, JSON.stringify({ alerts: [{ ...alert, measure: 'p99' }] }));
      expect(catchError(() => configFromContext(new App({ context: { config: bad } }))).message).toBe(
        `config file ${bad}: alerts[0].measure "p99" needs quantiles declared in measures.purchase.quantiles`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('in a config file are checked against the windows set around it', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'streamtally-measures-'));
    try {
      const onFiveMinutes = path.join(directory, 'five.json');
      writeFileSync(onFiveMinutes, JSON.stringify({ alerts: [{ ...alert, window: '5m' }] }));
      const fromObject = configFromContext(new App({ context: { streamtally: { windows: '5m:7d' }, config: onFiveMinutes } }));
      expect(measuresOf(fromObject).alerts[0]?.window).toBe('5m');
      const fromPlainKey = configFromContext(new App({ context: { config: onFiveMinutes, windows: '5m:7d,1h:90d' } }));
      expect(measuresOf(fromPlainKey).alerts[0]?.window).toBe('5m');
      expect(catchError(() => configFromContext(new App({ context: { config: onFiveMinutes } }))).message).toMatch(
        /^config file .*five\.json: alerts\[0\]\.window must be one of the windows \(1m, 1h, 1d\), got "5m"$/,
      );
      // A plain key overrides the file's own windows.
      const both = path.join(directory, 'both.json');
      writeFileSync(both, JSON.stringify({ windows: '1m:7d', alerts: [{ ...alert, window: '5m' }] }));
      expect(measuresOf(configFromContext(new App({ context: { config: both, windows: '5m:7d' } }))).alerts).toHaveLength(1);
      // A bad spec outside the file is not blamed on it.
      expect(catchError(() => configFromContext(new App({ context: { config: both, windows: '7m:7d' } }))).message).toMatch(/^windows: /);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('come from plain -c keys as JSON text', () => {
    const config = configFromContext(new App({ context: { alerts: JSON.stringify([alert]) } }));
    expect(measuresOf(config).alerts.map((a) => a.name)).toEqual(['few-purchases']);
    expect(catchError(() => configFromContext(new App({ context: { measures: '{page_view' } }))).message).toMatch(
      /^measures must be JSON, got "\{page_view" \(/,
    );
  });

  it('config/measures.example.json synthesizes, its alerts as alarms and its declaration in the consumer environment', () => {
    const config = configFromContext(newApp({ context: { config: 'config/measures.example.json' } }));
    const stack = new StreamtallyStack(newApp(), `Streamtally-${config.stage}`, { config });
    const template = Template.fromStack(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining(
        ['few-purchases', 'slow-pages', 'search-spike', 'few-visitors'].map((name) => `streamtally-prod-alert-${name}`),
      ),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MEASURES: consumerMeasuresJson(config) } },
    });
  });
  it('config/demo.json (what npm start synthesizes) keeps the dev stage and declares the alerts the demo shows', () => {
    const config = configFromContext(newApp({ context: { config: 'config/demo.json' } }));
    expect(config.stage).toBe('dev');
    const measures = measuresOf(config);
    expect(measures.types['page_view']).toMatchObject({
      distinct: [{ field: 'attrs.user' }],
      dimensions: [{ field: 'attrs.country', cap: 10 }],
      total: true,
    });
    expect(measures.types['sensor.temp']?.quantiles).toBeDefined();
    expect(measures.alerts.map((a) => `${a.name} ${a.type} ${a.measure} ${a.comparison} ${a.threshold}`)).toEqual([
      'sensor-hot sensor.temp max above 29.5',
      'slow-pages page_view p99 above 3000',
    ]);
    const template = Template.fromStack(new StreamtallyStack(newApp(), 'Streamtally-dev', { config }));
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.AlarmName);
    expect(names).toEqual(expect.arrayContaining(['streamtally-dev-alert-sensor-hot', 'streamtally-dev-alert-slow-pages']));
    // npm start synthesizes with it; npm run synth (and so cdk deploy's defaults) does not.
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toContain('cdk synth --quiet -c config=config/demo.json');
    expect(scripts.synth).toBe('cdk synth');
  });
});

describe('parseWindowSpec', () => {
  it('parses granularities and TTLs', () => {
    expect(parseWindowSpec('1m:7d, 1h:90d')).toEqual([
      { label: '1m', sizeMs: 60_000, ttlMs: 7 * 86_400_000 },
      { label: '1h', sizeMs: 3_600_000, ttlMs: 90 * 86_400_000 },
    ]);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
