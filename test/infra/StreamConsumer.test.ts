import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../lib/EventStream';
import { Quarantine } from '../../lib/Quarantine';
import { StreamConsumer, type StreamConsumerProps } from '../../lib/StreamConsumer';
import { newApp, synthStack } from './synthStack';

const ENTRY = path.resolve(__dirname, '..', '..', 'lambdas', 'aggregator', 'handler.ts');

/** A stack with an EventStream and a Quarantine, to attach consumers to. */
function fixture(streamProps: ConstructorParameters<typeof EventStream>[2] = {}) {
  const stack = new Stack(newApp(), 'Test');
  const eventStream = new EventStream(stack, 'EventStream', streamProps);
  const quarantine = new Quarantine(stack, 'Quarantine');
  const consumer = (name: string, props: Partial<StreamConsumerProps> = {}) =>
    new StreamConsumer(stack, `Consumer-${name}`, { consumerName: name, stream: eventStream, entry: ENTRY, quarantine, ...props });
  return { stack, eventStream, quarantine, consumer };
}

describe('EventStream', () => {
  it('validates the retention', () => {
    const stack = new Stack(newApp(), 'Test');
    expect(() => new EventStream(stack, 'Short', { retention: Duration.hours(12) })).toThrow(
      /retention must be a whole number of hours from 24 to 8760, got 12/,
    );
    expect(() => new EventStream(stack, 'Long', { retention: Duration.hours(8761) })).toThrow(/from 24 to 8760, got 8761/);
  });

  it('can be on-demand, with no shard count', () => {
    const { stack } = fixture({ streamMode: kinesis.StreamMode.ON_DEMAND, retention: Duration.hours(168) });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 168,
      ShardCount: Match.absent(),
    });
  });

  it('follows the configuration of the stack', () => {
    const { template } = synthStack({ streamMode: 'on-demand', retentionHours: 48 });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 48,
      ShardCount: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 12 * 3600 });
    synthStack({ shardCount: 3 }).template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 3 });
  });

  it('registers enhanced fan-out consumers by name', () => {
    const { stack } = fixture({ fanOutConsumerNames: ['replay'] });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::StreamConsumer', { ConsumerName: 'replay' });
  });

  it('warns when more than two consumers share its throughput', () => {
    const { stack, consumer } = fixture();
    consumer('one');
    consumer('two');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('streamtally:shared-consumers'))).toHaveLength(0);
    consumer('three');
    const warnings = Annotations.fromStack(stack).findWarning(
      '/Test/EventStream',
      Match.stringLikeRegexp('more than 2 consumers share .*enhanced fan-out'),
    );
    expect(warnings).toHaveLength(1);
  });

  it('does not count enhanced fan-out consumers as shared', () => {
    const { stack, consumer } = fixture();
    consumer('one');
    consumer('two');
    consumer('three', { enhancedFanOut: true });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('share .* read throughput'))).toHaveLength(0);
  });
});

describe('StreamConsumer', () => {
  it('refuses a maximum record age that is not below the retention', () => {
    const { consumer } = fixture({ retention: Duration.hours(24) });
    expect(() => consumer('old', { maxRecordAge: Duration.hours(24) })).toThrow(
      /StreamConsumer "old": maxRecordAge \(1 day\) must be shorter than the stream's retention \(1 day\).*lower maxRecordAge or raise the retention/,
    );
  });

  it('checks a plain IStream against the retention it is told', () => {
    const stack = new Stack(newApp(), 'Test');
    const stream = kinesis.Stream.fromStreamArn(stack, 'Imported', 'arn:aws:kinesis:us-east-1:123456789012:stream/events');
    const quarantine = new Quarantine(stack, 'Quarantine');
    const props = { consumerName: 'c', stream, entry: ENTRY, quarantine, maxRecordAge: Duration.hours(30) };
    expect(() => new StreamConsumer(stack, 'A', props)).toThrow(/must be shorter than the stream's retention \(1 day\)/);
    expect(() => new StreamConsumer(stack, 'B', { ...props, streamRetention: Duration.hours(48) })).not.toThrow();
  });

  it('defaults the maximum record age to a quarter of the retention, at most 7 days', () => {
    const { stack, consumer } = fixture({ retention: Duration.hours(8760) });
    consumer('long');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 7 * 86400 });
  });

  it('writes an unlimited maximum record age as -1', () => {
    const { stack, consumer } = fixture();
    consumer('patient', { maxRecordAge: 'unlimited' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRecordAgeInSeconds: -1,
      MaximumRetryAttempts: 10,
    });
  });

  it('refuses endless retries without a maximum record age', () => {
    const { consumer } = fixture();
    expect(() => consumer('stuck', { maxRecordAge: 'unlimited', retryAttempts: -1 })).toThrow(/one poison batch block its shard/);
  });

  it('needs an on-failure destination', () => {
    const { consumer } = fixture();
    expect(() => consumer('lost', { quarantine: undefined })).toThrow(/failed batches need a destination/);
  });

  it('deploys code already bundled as it is, and wants exactly one of entry and code', () => {
    const { stack, consumer } = fixture();
    const bundle = path.resolve(__dirname, '..', '..', 'src', 'local', 'lambda', 'runtime');
    const fn = consumer('prebuilt', { entry: undefined, code: lambda.Code.fromAsset(bundle) });
    expect(fn.fn).not.toBeInstanceOf(nodejs.NodejsFunction);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ CONSUMER_NAME: 'prebuilt', NODE_OPTIONS: '--enable-source-maps' }) },
    });
    expect(() => consumer('both', { code: lambda.Code.fromAsset(bundle) })).toThrow(/give exactly one of entry .* and code/);
    expect(() => consumer('neither', { entry: undefined })).toThrow(/give exactly one of entry .* and code/);
  });

  it('takes another on-failure destination', () => {
    const { stack, consumer } = fixture();
    const queue = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    consumer('queued', { onFailure: new eventSources.SqsDlq(queue) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dlq'), 'Arn'] } } },
    });
  });

  it('exposes every Kinesis option', () => {
    const { stack, consumer } = fixture();
    consumer('tuned', {
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(5),
      parallelizationFactor: 4,
      bisectBatchOnError: false,
      retryAttempts: 2,
      reportBatchItemFailures: false,
      enabled: false,
    });
    const mapping = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'))[0] as {
      Properties: Record<string, unknown>;
    };
    expect(mapping.Properties).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 2,
      Enabled: false,
    });
    expect(mapping.Properties).not.toHaveProperty('FunctionResponseTypes');
    expect(mapping.Properties).not.toHaveProperty('TumblingWindowInSeconds');
  });

  it('reads through its enhanced fan-out consumer when asked', () => {
    const { stack, consumer } = fixture();
    consumer('fast', { enhancedFanOut: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Kinesis::StreamConsumer', { ConsumerName: 'fast' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FanOutfast'), 'ConsumerARN'] },
    });
  });

  it('passes its name as CONSUMER_NAME and refuses another', () => {
    const { stack, consumer } = fixture();
    consumer('named', { environment: { EXTRA: 'x' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CONSUMER_NAME: 'named', EXTRA: 'x', POWERTOOLS_METRICS_NAMESPACE: 'streamtally' }) },
    });
    expect(() => consumer('other', { environment: { CONSUMER_NAME: 'x' } })).toThrow(/CONSUMER_NAME is set from consumerName/);
  });
});
