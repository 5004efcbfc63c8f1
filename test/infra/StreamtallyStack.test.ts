import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { blankAssetHashes, newApp, synthStack } from './synthStack';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

// Synthesized once, with real esbuild bundling, as `cdk synth` does.
let template: Template;
beforeAll(() => {
  template = synthStack({}, { bundle: true }).template;
}, 120_000);

function only(type: string): Resource {
  const resources = Object.values(template.findResources(type)) as Resource[];
  expect(resources).toHaveLength(1);
  return resources[0] as Resource;
}

describe('event stream', () => {
  it('keeps records 24 hours on one provisioned shard', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      RetentionPeriodHours: 24,
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it('is encrypted with a customer-managed key that rotates', () => {
    const stream = only('AWS::Kinesis::Stream');
    const keyId = stream.Properties.StreamEncryption as { EncryptionType: string; KeyId: { 'Fn::GetAtt': [string, string] } };
    expect(keyId.EncryptionType).toBe('KMS');
    const keyLogicalId = keyId.KeyId['Fn::GetAtt'][0];
    const key = template.toJSON().Resources[keyLogicalId] as Resource;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });
});

describe('aggregator event source mapping', () => {
  it('has the safe defaults', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      // a quarter of the 24 h retention
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QuarantineBucket'), 'Arn'] } } },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStream'), 'Arn'] },
      Enabled: true,
    });
  });

  it('never uses Lambda tumbling windows', () => {
    expect(only('AWS::Lambda::EventSourceMapping').Properties).not.toHaveProperty('TumblingWindowInSeconds');
  });

  it('waits for the role policy before polling', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as { DependsOn?: string[] }[];
    expect(mapping?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^AggregatorRoleDefaultPolicy/)]));
  });
});

describe('aggregator function', () => {
  it('runs Node.js 22 on arm64 with tracing, 512 MB, 60 s, and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 60,
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^AggregatorLogGroup') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('gets exactly the environment the handler reads', () => {
    const variables = (only('AWS::Lambda::Function').Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toEqual({
      AGGREGATES_TABLE: { Ref: expect.stringMatching(/^AggregatesStoreAggregates/) },
      CHECKPOINT_TABLE: { Ref: expect.stringMatching(/^AggregatesStoreCheckpoints/) },
      QUARANTINE_BUCKET: { Ref: expect.stringMatching(/^QuarantineBucket/) },
      CONSUMER_NAME: 'aggregator',
      WINDOWS: '1m:7d,1h:90d,1d:1100d',
      ALLOWED_LATENESS_MS: '3600000',
      MAX_CLOCK_SKEW_MS: '300000',
      DEDUP_PRODUCER_IDS: 'true',
      PARALLELIZATION_FACTOR: '1',
      TOP_KEYS_DEPTH: '100',
      PAGE_BUDGET_BYTES: '131072',
      POWERTOOLS_SERVICE_NAME: 'aggregator',
      POWERTOOLS_METRICS_NAMESPACE: 'streamtally',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('gets the resolved measures as MEASURES when something is declared', () => {
    const declared = synthStack({ measures: { page_view: { distinct: ['attrs.user'] } } }).template;
    const [fn] = Object.values(declared.findResources('AWS::Lambda::Function')) as Resource[];
    const variables = (fn!.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(variables.MEASURES ?? 'null')).toEqual({
      types: {
        page_view: {
          stats: ['count', 'sum', 'min', 'max'],
          distinct: [{ field: 'attrs.user', precision: 12 }],
          dimensions: [],
          total: false,
        },
      },
      alerts: [],
    });
  });

  it('refuses at synth, in one line, a declaration too large for the environment, also in a config not made by resolveConfig', () => {
    const alerts = Array.from({ length: 40 }, (_, i) => ({
      name: `a${i}`,
      type: 'purchase',
      key: `k${i}`,
      window: '1m',
      measure: 'count',
      below: 1,
    }));
    const config = { ...resolveConfig(), alerts };
    expect(() => new StreamtallyStack(newApp(), 'TooMuch', { config })).toThrow(
      /^measures and alerts resolve to \d+ bytes of JSON, more than the 3000/,
    );
  });

  it('uses an explicit role with no managed policies', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
    });
    expect(only('AWS::IAM::Role').Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('tables', () => {
  const common = {
    BillingMode: 'PAY_PER_REQUEST',
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    SSESpecification: { SSEEnabled: true },
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };

  it('has an aggregates table with a keys-only byWindow index whose keys never change (no index write per count change)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byWindow',
          KeySchema: [
            { AttributeName: 'windowPk', KeyType: 'HASH' },
            { AttributeName: 'key', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'windowPk', AttributeType: 'S' },
        { AttributeName: 'key', AttributeType: 'S' },
      ]),
    });
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('"AttributeName":"count"');
  });

  it('has a checkpoint table without indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { ...common, GlobalSecondaryIndexes: Match.absent() });
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('retains both tables when they leave the stack', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });
});

describe('quarantine bucket', () => {
  it('is private, encrypted, logged and expires its records', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^QuarantineAccessLogs') } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'aws/lambda/', ExpirationInDays: 30, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^QuarantineBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('monitoring', () => {
  it('has an encrypted, SSL-only alarm topic that CloudWatch may publish to', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has the dashboard streamtally-<stage> with consumer lag and stream throughput', () => {
    const dashboard = only('AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('streamtally-dev');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'IteratorAge',
      'Errors',
      'IncomingRecords',
      'WriteProvisionedThroughputExceeded',
      'ReadProvisionedThroughputExceeded',
    ]) {
      expect(body).toContain(metric);
    }
  });
});

describe('outputs (docs/contract.md §4)', () => {
  it('has exactly the contract outputs', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      ['AggregatesTableName', 'AlarmTopicArn', 'CheckpointTableName', 'DashboardName', 'QuarantineName', 'StreamArn', 'StreamName'].sort(),
    );
    template.hasOutput('StreamName', { Value: { Ref: Match.stringLikeRegexp('^EventStream') } });
    template.hasOutput('StreamArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStream'), 'Arn'] } });
    template.hasOutput('AggregatesTableName', { Value: { Ref: Match.stringLikeRegexp('^AggregatesStoreAggregates') } });
    template.hasOutput('CheckpointTableName', { Value: { Ref: Match.stringLikeRegexp('^AggregatesStoreCheckpoints') } });
    template.hasOutput('QuarantineName', { Value: { Ref: Match.stringLikeRegexp('^QuarantineBucket') } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') } });
    template.hasOutput('DashboardName', { Value: { Ref: Match.stringLikeRegexp('^MonitoringDashboard') } });
  });
});

describe('least privilege', () => {
  const statements = (): Statement[] =>
    (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
  const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
  const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
  // X-Ray has no resource-level permissions: PutTraceSegments/PutTelemetryRecords only work on "*".
  const MAY_USE_STAR = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

  it('gives no data action Resource "*"', () => {
    for (const statement of statements()) {
      if (!resourcesOf(statement).includes('*')) continue;
      for (const action of actionsOf(statement)) {
        expect(MAY_USE_STAR.has(action), `${action} on Resource "*"`).toBe(true);
      }
    }
  });

  it('uses no wildcard actions', () => {
    for (const statement of statements()) {
      for (const action of actionsOf(statement)) expect(action, action).not.toMatch(/\*/);
    }
  });

  it('writes to S3 only under quarantine/ and the on-failure prefix', () => {
    const puts = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const objectResources = puts.filter((s) => actionsOf(s).includes('s3:PutObject')).flatMap(resourcesOf);
    expect(JSON.stringify(objectResources)).toMatch(/\/quarantine\/\*/);
    expect(JSON.stringify(objectResources)).toMatch(/\/aws\/lambda\/\*/);
    expect(objectResources).toHaveLength(2);
    const s3Actions = new Set(puts.flatMap(actionsOf));
    expect([...s3Actions].sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
  });

  it('lets DynamoDB actions touch only the two tables and the byWindow index', () => {
    const dynamo = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const resources = JSON.stringify(dynamo.flatMap(resourcesOf));
    expect(resources).toContain('/index/byWindow');
    expect(resources).not.toContain('/index/*');
    expect(dynamo.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });

  it('decrypts only with the stream key', () => {
    const kmsStatements = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toHaveLength(1);
    expect(kmsStatements[0]?.Action).toBe('kms:Decrypt');
    expect(kmsStatements[0]?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EventStreamKey/), 'Arn'] });
  });

  it('reads only its own stream', () => {
    const kinesisStatements = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('kinesis:')));
    expect(kinesisStatements.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EventStream/), 'Arn'] }]);
    expect(kinesisStatements.flatMap(actionsOf).filter((a) => /Put|Delete|Create|Update|Merge|Split/.test(a))).toEqual([]);
  });
});

describe('snapshot', () => {
  it('matches, asset hashes blanked', () => {
    expect(blankAssetHashes(template.toJSON())).toMatchSnapshot();
  });
});
