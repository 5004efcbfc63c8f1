import { describe, expect, it } from 'vitest';
import { consumerSettingsFromTemplate } from '../../../src/replay/consumerSettingsFromTemplate';
import { replayAggregatorConfig, sameSettings, settingsFromEnvironment } from '../../../src/replay/ReplaySettings';

describe('the settings a replay recomputes with', () => {
  const template = {
    Resources: {
      Other: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { CONSUMER_NAME: 'other', WINDOWS: '5m:1d' } } } },
      Aggregator: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: {
            Variables: {
              CONSUMER_NAME: 'aggregator',
              AGGREGATES_TABLE: { Ref: 'Table' },
              WINDOWS: '1m:7d,1h:90d',
              ALLOWED_LATENESS_MS: '600000',
              DEDUP_PRODUCER_IDS: 'false',
              PARALLELIZATION_FACTOR: '4',
            },
          },
        },
      },
    },
  };

  it("are the stack consumer's literal settings from the template, nothing else", () => {
    expect(consumerSettingsFromTemplate(template)).toEqual({
      WINDOWS: '1m:7d,1h:90d',
      ALLOWED_LATENESS_MS: '600000',
      DEDUP_PRODUCER_IDS: 'false',
    });
    expect(consumerSettingsFromTemplate({ Resources: {} })).toBeUndefined();
  });

  it("take the consumer's defaults for what is not set, and always a parallelization factor of 1", () => {
    const settings = settingsFromEnvironment(consumerSettingsFromTemplate(template)!);
    expect(settings).toEqual({
      windows: '1m:7d,1h:90d',
      allowedLatenessMs: 600_000,
      maxClockSkewMs: 300_000,
      dedupProducerIds: false,
      dedupRetentionMs: 7 * 86_400_000,
      maxRecordBytes: 1_048_576,
      writeConcurrency: 32,
    });
    const config = replayAggregatorConfig(settings, 'replay:x');
    expect(config).toMatchObject({ consumerName: 'replay:x', parallelizationFactor: 1, allowedLatenessMs: 600_000 });
    expect(config.granularities.map((granularity) => granularity.label)).toEqual(['1m', '1h']);
  });

  it('carry the declared measures along, and tell two declarations apart', () => {
    const measures = JSON.stringify({ types: { page_view: { stats: ['count'], distinct: [], dimensions: [], total: true } }, alerts: [] });
    const variables = template.Resources.Aggregator.Properties.Environment.Variables;
    const declared = {
      Resources: {
        Aggregator: { ...template.Resources.Aggregator, Properties: { Environment: { Variables: { ...variables, MEASURES: measures } } } },
      },
    };
    const settings = settingsFromEnvironment(consumerSettingsFromTemplate(declared)!);
    expect(settings.measures).toBe(measures);
    const plain = settingsFromEnvironment(consumerSettingsFromTemplate(template)!);
    expect(plain).not.toHaveProperty('measures');
    expect(sameSettings(settings, plain)).toBe(false);
    expect(sameSettings(settings, { ...plain, measures })).toBe(true);
  });
});
