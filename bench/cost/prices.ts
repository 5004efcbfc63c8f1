/**
 * Prices the monthly bill in docs/cost.md uses: us-east-1, on-demand, each
 * with where it was read and when. A price not found is `undefined` and the
 * doc says so instead of inventing one.
 */
export interface Price {
  readonly usd: number | undefined;
  readonly unit: string;
  readonly source: string;
  readonly asOf: string;
}

export const PRICES = {
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand)',
    source:
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (a third-party summary of the AWS page; "$0.625 per million write request units", US East)',
    asOf: '2026-12-02',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand)',
    source: 'https://airbyte.com/data-engineering-resources/dynamodb-pricing ("$0.125 per million read request units", US East)',
    asOf: '2026-12-02',
  },
  flinkKpuHour: {
    usd: undefined,
    unit: 'KPU-hour (1 vCPU, 4 GB), plus 1 KPU per application for orchestration',
    source:
      'https://docs.aws.amazon.com/managed-flink/latest/java/how-pricing.html gives the billing model, not the hourly price; the price was not found',
    asOf: '2026-12-02',
  },
  kinesisShardHour: { usd: undefined, unit: 'shard-hour (provisioned) and PUT payload units', source: 'not looked up', asOf: '2026-12-02' },
  lambdaGbSecond: { usd: undefined, unit: 'GB-second and request', source: 'not looked up', asOf: '2026-12-02' },
  cloudWatchMetric: { usd: undefined, unit: 'custom metric-month, alarm-month', source: 'not looked up', asOf: '2026-12-02' },
} as const satisfies Record<string, Price>;
