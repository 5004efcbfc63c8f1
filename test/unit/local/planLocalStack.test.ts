import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeNotEmulated, type LocalStackPlan, planLocalStack, TemplateError } from '../../../src/local/template';
import { ASSET_HASH, assemblyDirectory, handWrittenTemplate } from './support/handWrittenAssembly';
import { type SynthesizedAssembly, synthesizedAssembly } from './support/synthesizedAssembly';

describe('planLocalStack on the synthesized stack', () => {
  let assembly: SynthesizedAssembly;
  let plan: LocalStackPlan;

  beforeAll(() => {
    // Prepare: the real stack, with settings that differ from the defaults so that reading them shows.
    assembly = synthesizedAssembly({ shardCount: 3, retentionHours: 48, batchSize: 250, parallelizationFactor: 2 });
    // Act
    plan = planLocalStack(assembly.template, assembly.assemblyDir, { stackName: assembly.stackName });
  });
  afterAll(() => assembly.remove());

  it('plans the stream with its shard count and retention', () => {
    expect(plan.streams).toEqual([
      {
        logicalId: expect.stringMatching(/^EventStream/),
        streamName: expect.stringMatching(/^streamtally-eventstream[0-9a-f]{8}$/),
        streamArn: expect.stringMatching(/^arn:aws:kinesis:us-east-1:000000000000:stream\/streamtally-eventstream/),
        mode: 'PROVISIONED',
        shardCount: 3,
        retentionHours: 48,
      },
    ]);
  });

  it('plans both tables with their keys and the by-window index', () => {
    const aggregates = plan.tables.find((table) => table.logicalId.startsWith('AggregatesStoreAggregates'));
    expect(plan.tables).toHaveLength(2);
    expect(aggregates?.createTableInput.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(aggregates?.createTableInput.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byWindow',
      KeySchema: [
        { AttributeName: 'windowPk', KeyType: 'HASH' },
        { AttributeName: 'key', KeyType: 'RANGE' },
      ],
    });
    expect(aggregates?.createTableInput.AttributeDefinitions).toContainEqual({ AttributeName: 'key', AttributeType: 'S' });
  });

  it('plans the function from its bundled asset, with the environment resolved to local names', () => {
    const [fn] = plan.functions;
    const aggregates = plan.tables.find((table) => table.logicalId.startsWith('AggregatesStoreAggregates'));
    const checkpoints = plan.tables.find((table) => table.logicalId.startsWith('AggregatesStoreCheckpoints'));
    const quarantine = plan.buckets.find((bucket) => bucket.logicalId.startsWith('QuarantineBucket'));
    expect(plan.functions).toHaveLength(1);
    expect(fn).toMatchObject({
      handler: 'index.handler',
      runtime: expect.stringMatching(/^nodejs/),
      timeoutSeconds: 60,
      memorySizeMb: 512,
    });
    expect(path.dirname(fn!.assetDirectory)).toBe(assembly.assemblyDir);
    expect(existsSync(path.join(fn!.assetDirectory, 'index.js'))).toBe(true);
    expect(fn!.environment).toMatchObject({
      AGGREGATES_TABLE: aggregates?.tableName,
      CHECKPOINT_TABLE: checkpoints?.tableName,
      QUARANTINE_BUCKET: quarantine?.bucketName,
      CONSUMER_NAME: 'aggregator',
      PARALLELIZATION_FACTOR: '2',
    });
    for (const value of Object.values(fn!.environment)) expect(typeof value).toBe('string');
  });

  it('plans the event source mapping with every Kinesis setting of the template', () => {
    const quarantine = plan.buckets.find((bucket) => bucket.logicalId.startsWith('QuarantineBucket'));
    expect(plan.eventSourceMappings).toEqual([
      expect.objectContaining({
        enabled: true,
        functionName: plan.functions[0]?.functionName,
        streamName: plan.streams[0]?.streamName,
        batchSize: 250,
        maximumBatchingWindowInSeconds: 1,
        startingPosition: 'TRIM_HORIZON',
        parallelizationFactor: 2,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
        maximumRecordAgeInSeconds: 12 * 3600,
        reportBatchItemFailures: true,
        onFailureDestination: { arn: quarantine?.bucketArn, bucketLogicalId: quarantine?.logicalId, bucketName: quarantine?.bucketName },
        tumblingWindowInSeconds: 0,
      }),
    ]);
  });

  it('maps the outputs to local names', () => {
    expect(plan.outputs).toMatchObject({
      StreamName: plan.streams[0]?.streamName,
      StreamArn: plan.streams[0]?.streamArn,
      AggregatesTableName: expect.stringMatching(/^streamtally-aggregatesstoreaggregates/),
      CheckpointTableName: expect.stringMatching(/^streamtally-aggregatesstorecheckpoints/),
      QuarantineName: expect.stringMatching(/^streamtally-quarantinebucket/),
      AlarmTopicArn: expect.stringMatching(/^arn:aws:sns:us-east-1:000000000000:/),
    });
  });

  it('lists what it does not emulate, by type and count, and the settings without local effect', () => {
    const types = Object.fromEntries(plan.notEmulated.resourceTypes.map(({ type, count }) => [type, count]));
    expect(types).toMatchObject({
      'AWS::IAM::Role': 1,
      'AWS::KMS::Key': 2,
      'AWS::SNS::Topic': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::CloudWatch::Dashboard': 1,
    });
    expect(types).not.toHaveProperty('AWS::CDK::Metadata');
    const lines = describeNotEmulated(plan.notEmulated);
    expect(lines).toContainEqual(
      expect.stringMatching(/EventStream\w+ \(AWS::Kinesis::Stream\): KMS encryption at rest.*\(StreamEncryption\)/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/AggregatesStoreAggregates\w+ \(AWS::DynamoDB::Table\): TTL/));
  });

  it('gives an on-demand stream 4 local shards', () => {
    const onDemand = synthesizedAssembly({ streamMode: 'on-demand' }, 'Streamtally-ondemand');
    try {
      const [stream] = planLocalStack(onDemand.template, onDemand.assemblyDir).streams;
      expect(stream).toMatchObject({ mode: 'ON_DEMAND', shardCount: 4 });
    } finally {
      onDemand.remove();
    }
  });
});

describe('planLocalStack on hand-written templates', () => {
  const assembly = assemblyDirectory();
  afterAll(() => assembly.remove());

  it('applies Lambda defaults to the settings a mapping leaves out', () => {
    const [mapping] = planLocalStack(handWrittenTemplate(), assembly.dir).eventSourceMappings;
    expect(mapping).toEqual({
      logicalId: 'Mapping',
      enabled: true,
      functionLogicalId: 'Fn',
      functionName: 'streamtally-fn',
      streamLogicalId: 'Stream',
      streamName: 'streamtally-stream',
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/streamtally-stream',
      batchSize: 100,
      maximumBatchingWindowInSeconds: 0,
      startingPosition: 'LATEST',
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      functionResponseTypes: [],
      reportBatchItemFailures: false,
      tumblingWindowInSeconds: 0,
    });
  });

  it('reads AT_TIMESTAMP, tumbling windows and filters', () => {
    const template = handWrittenTemplate({
      mapping: {
        StartingPosition: 'AT_TIMESTAMP',
        StartingPositionTimestamp: 1_700_000_000,
        TumblingWindowInSeconds: 60,
        FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":["page_view"]}}' }] },
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
      },
    });
    const [mapping] = planLocalStack(template, assembly.dir).eventSourceMappings;
    expect(mapping).toMatchObject({
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: 1_700_000_000,
      tumblingWindowInSeconds: 60,
      filterCriteria: { Filters: [{ Pattern: '{"data":{"type":["page_view"]}}' }] },
      filterPatterns: ['{"data":{"type":["page_view"]}}'],
      onFailureDestination: { bucketName: 'streamtally-failures', arn: 'arn:aws:s3:::streamtally-failures' },
    });
  });

  it('lists FilterCriteria with a matcher the local mapping does not emulate, and applies no filter then', () => {
    const template = handWrittenTemplate({
      mapping: { FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":[{"wildcard":"page_*"}]}}' }] } },
    });
    const plan = planLocalStack(template, assembly.dir);
    expect(plan.eventSourceMappings[0]?.filterPatterns).toBeUndefined();
    expect(plan.notEmulated.features).toContainEqual({
      logicalId: expect.any(String),
      type: 'AWS::Lambda::EventSourceMapping',
      feature: expect.stringMatching(
        /^FilterCriteria \(filterCriteria: data\.type: the "wildcard" matcher is not emulated.*every record is delivered\)$/,
      ),
    });
  });

  it('refuses FilterCriteria that Lambda would refuse', () => {
    const template = handWrittenTemplate({ mapping: { FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":"page_view"}}' }] } } });
    expect(() => planLocalStack(template, assembly.dir)).toThrow(/FilterCriteria of event source mapping .*must be an array or an object/);
  });

  it('resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split in the environment', () => {
    const environment = {
      TABLE: { Ref: 'Table' },
      TABLE_ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
      STREAM_ARN: { 'Fn::GetAtt': 'Stream.Arn' },
      JOINED: { 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'Failures' }]] },
      SUBBED: { 'Fn::Sub': ['${AWS::AccountId}:${Stream}:${Table.Arn}:${Extra}:${!Literal}', { Extra: 'x' }] },
      SELECTED: { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Stream', 'Arn'] }] }] },
      PLAIN: 'as is',
      NUMBER: 42,
    };
    const [fn] = planLocalStack(handWrittenTemplate({ environment }), assembly.dir).functions;
    expect(fn?.environment).toEqual({
      TABLE: 'streamtally-table',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/streamtally-table',
      STREAM_ARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/streamtally-stream',
      JOINED: 'us-east-1/streamtally-failures',
      SUBBED: '000000000000:streamtally-stream:arn:aws:dynamodb:us-east-1:000000000000:table/streamtally-table:x:${Literal}',
      SELECTED: 'aws',
      PLAIN: 'as is',
      NUMBER: '42',
    });
  });

  it('resolves parameters with defaults, mappings, conditions and AWS::NoValue', () => {
    const template = {
      ...handWrittenTemplate({
        environment: {
          STAGE: { Ref: 'Stage' },
          SIZE: { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] },
          WHERE: { 'Fn::If': ['IsUsEast1', 'home', 'away'] },
          LIST: { 'Fn::Join': [',', ['a', { Ref: 'AWS::NoValue' }, 'b']] },
        },
      }),
      Parameters: { Stage: { Type: 'String', Default: 'dev' } },
      Mappings: { Sizes: { dev: { memory: 256 } } },
      Conditions: { IsUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
    };
    expect(planLocalStack(template, assembly.dir).functions[0]?.environment).toEqual({
      STAGE: 'dev',
      SIZE: '256',
      WHERE: 'home',
      LIST: 'a,b',
    });
  });

  it('keeps names the template sets and uses the given region', () => {
    const template = handWrittenTemplate({
      extraResources: { Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-bucket' } } },
    });
    const plan = planLocalStack(template, assembly.dir, { region: 'eu-west-1' });
    expect(plan.buckets.find((bucket) => bucket.logicalId === 'Named')?.bucketName).toBe('my-bucket');
    expect(plan.streams[0]?.streamArn).toBe('arn:aws:kinesis:eu-west-1:000000000000:stream/streamtally-stream');
  });

  it('finds the asset through aws:asset:path metadata', () => {
    const template = handWrittenTemplate();
    const fn = template.Resources!.Fn!;
    const withMetadata = {
      Resources: {
        ...template.Resources,
        Fn: {
          ...fn,
          Properties: { ...fn.Properties, Code: { S3Key: 'other.zip' } },
          Metadata: { 'aws:asset:path': `asset.${ASSET_HASH}`, 'aws:asset:property': 'Code' },
        },
      },
    };
    expect(planLocalStack(withMetadata, assembly.dir).functions[0]?.assetDirectory).toBe(path.join(assembly.dir, `asset.${ASSET_HASH}`));
  });

  it('leaves out resources whose condition is false locally', () => {
    const template = {
      ...handWrittenTemplate({ extraResources: { OnlyInEu: { Type: 'AWS::S3::Bucket', Condition: 'InEu' } } }),
      Conditions: { InEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
    };
    expect(planLocalStack(template, assembly.dir).buckets.map((bucket) => bucket.logicalId)).toEqual(['Failures']);
    expect(planLocalStack(template, assembly.dir, { region: 'eu-west-1' }).buckets.map((bucket) => bucket.logicalId)).toEqual([
      'Failures',
      'OnlyInEu',
    ]);
  });

  it('lists resource types it does not emulate, by type and count', () => {
    const template = handWrittenTemplate({
      extraResources: {
        TopicA: { Type: 'AWS::SNS::Topic' },
        TopicB: { Type: 'AWS::SNS::Topic' },
        Queue: { Type: 'AWS::SQS::Queue' },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'IteratorAge' } },
        Custom: { Type: 'Custom::Thing' },
      },
    });
    expect(planLocalStack(template, assembly.dir).notEmulated.resourceTypes).toEqual([
      { type: 'AWS::CloudWatch::Alarm', count: 1, logicalIds: ['Alarm'] },
      { type: 'AWS::SNS::Topic', count: 2, logicalIds: ['TopicA', 'TopicB'] },
      { type: 'AWS::SQS::Queue', count: 1, logicalIds: ['Queue'] },
      { type: 'Custom::Thing', count: 1, logicalIds: ['Custom'] },
    ]);
  });

  describe('errors, each one line', () => {
    const planError = (run: () => unknown): TemplateError => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateError);
        expect((error as Error).message).not.toContain('\n');
        return error as TemplateError;
      }
      throw new Error('expected a TemplateError');
    };

    it('names the function whose asset is missing and says to synthesize', () => {
      const empty = assemblyDirectory(false);
      try {
        const error = planError(() => planLocalStack(handWrittenTemplate(), empty.dir));
        expect(error.message).toMatch(/^the asset of function Fn \(.*asset\.a{64}\) is missing; run `npx cdk synth`$/);
      } finally {
        empty.remove();
      }
    });

    it('names the environment variable it cannot resolve', () => {
      const error = planError(() =>
        planLocalStack(handWrittenTemplate({ environment: { SHARED: { 'Fn::ImportValue': 'OtherStack:Table' } } }), assembly.dir),
      );
      expect(error.message).toBe(
        "cannot resolve environment variable SHARED of function Fn: Fn::ImportValue reads another stack's exports, which the local stack does not have",
      );
    });

    it('names an attribute the local stack does not have', () => {
      const error = planError(() =>
        planLocalStack(handWrittenTemplate({ environment: { CHANGES: { 'Fn::GetAtt': ['Table', 'StreamArn'] } } }), assembly.dir),
      );
      expect(error.message).toBe(
        'cannot resolve environment variable CHANGES of function Fn: Fn::GetAtt Table.StreamArn: the local runtime has no StreamArn for AWS::DynamoDB::Table',
      );
    });

    it('names a Ref to nothing', () => {
      const error = planError(() => planLocalStack(handWrittenTemplate({ environment: { GONE: { Ref: 'Nowhere' } } }), assembly.dir));
      expect(error.message).toBe('cannot resolve environment variable GONE of function Fn: Ref Nowhere: no such resource or parameter');
    });

    it('refuses an on-failure destination that is not a bucket of the template', () => {
      const template = handWrittenTemplate({
        extraResources: { Dlq: { Type: 'AWS::SQS::Queue' } },
        mapping: { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } },
      });
      expect(planError(() => planLocalStack(template, assembly.dir)).message).toMatch(
        /on-failure destination arn:aws:sqs:.* of event source mapping Mapping is not an S3 bucket/,
      );
    });

    it('refuses a function that is not Node.js', () => {
      const template = handWrittenTemplate({ functionProperties: { Runtime: 'python3.12' } });
      expect(planError(() => planLocalStack(template, assembly.dir)).message).toBe(
        'function Fn uses runtime python3.12; the local runtime runs Node.js functions only',
      );
    });
  });
});
