import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { existingStreamApp } from '../../examples/existing-stream/app';
import { newApp } from './synthStack';

describe('examples/existing-stream', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:111122223333:stream/orders';
  const app = newApp({ context: { streamArn } });
  const { counts } = existingStreamApp(app);
  const template = Template.fromStack(counts);

  it('creates no stream: the consumer reads the one it was given, with the settings of the example', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 0);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WINDOWS: '1m:7d,1h:90d', CONSUMER_NAME: 'aggregator' }) },
    });
    // A quarter of the 48 h retention the example states.
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 12 * 3600 });
  });

  it('grants the consumer reads on that stream only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const kinesisResources = Object.values(policies).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kinesis:')))
        .map((statement) => statement.Resource),
    );
    expect(kinesisResources.length).toBeGreaterThan(0);
    for (const resource of kinesisResources) expect(resource).toBe(streamArn);
  });

  it('still makes the tables, the quarantine and the alarms, and names the stream in its outputs', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThan(5);
    template.hasOutput('StreamName', { Value: 'orders' });
    template.hasOutput('StreamArn', { Value: streamArn });
  });
});
