/**
 * Prices the monthly bill in docs/cost.md uses: us-east-1, on-demand, each
 * with where it was read and when. A price not found is `undefined` and the
 * doc says so instead of inventing one.
 */
export interface Price {
  readonly usd: number | undefined;
  readonly unit: string;
  /** How many units the price is quoted for: a million for request units, one for a month or a GB-second. @default 1e6 */
  readonly quotedPer?: number;
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
  kinesisShardHour: {
    usd: undefined,
    unit: 'shard-hour (provisioned) and PUT payload unit',
    source:
      'https://aws.amazon.com/kinesis/data-streams/pricing/ gives the billing model (shard-hours, 25 KB PUT payload units); its prices were not found in the stored copy',
    asOf: '2026-12-03',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'Lambda request (invocation)',
    source: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html ("$0.20 per 1 million requests")',
    asOf: '2026-12-03',
  },
  lambdaGbSecond: {
    quotedPer: 1,
    usd: 0.00001667,
    unit: 'Lambda GB-second (x86)',
    source: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html ("$0.00001667 for every GB-second")',
    asOf: '2026-12-03',
  },
  cloudWatchAlarm: {
    quotedPer: 1,
    usd: 0.1,
    unit: 'standard-resolution alarm-month',
    source:
      'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (a third-party summary: "$0.10/alarm-month for standard resolution")',
    asOf: '2026-12-03',
  },
} as const satisfies Record<string, Price>;
