import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { newApp } from './synthStack';

// Encryption at rest, checked on every resource of the synthesized template: each stateful
// resource is encrypted, and a resource of a type this test does not know fails it, so that a
// new kind of resource is classified here (stateful and checked, or stateless) on purpose.

type Json = Record<string, unknown>;
interface Resource {
  readonly Type: string;
  readonly Properties?: Json;
}
type Resources = Readonly<Record<string, Resource>>;

/** Types that hold no data of ours at rest. */
const STATELESS = new Set([
  'AWS::CDK::Metadata',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  // Code, configuration and names only. Lambda encrypts environment variables at rest with its
  // service key; ours hold resource names and settings, no secret.
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  // The dashboard HTTP API (dashboardApi): routing and configuration, no data at rest; its
  // access logs go to a log group, which is checked.
  'AWS::Lambda::Permission',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
]);

function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as Json).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as Json)['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** Whether a key reference names a rotating customer-managed key of the template, or the AWS-managed key `alias`. */
function isGoodKey(resources: Resources, key: unknown, awsManagedAlias: string): boolean {
  if (key === awsManagedAlias) return true;
  const id = referencedId(key);
  const resource = id === undefined ? undefined : resources[id];
  return resource?.Type === 'AWS::KMS::Key' && resource.Properties?.EnableKeyRotation === true;
}

/** A resource policy statement that denies every request not made over TLS. */
function deniesPlainTransport(statement: Json): boolean {
  const condition = statement.Condition as { Bool?: Json } | undefined;
  const principal = statement.Principal;
  return (
    statement.Effect === 'Deny' &&
    String(condition?.Bool?.['aws:SecureTransport']) === 'false' &&
    (principal === '*' || (principal as Json | undefined)?.AWS === '*')
  );
}

function policyStatementsFor(resources: Resources, policyType: string, targetProperty: string, targetId: string): Json[] {
  return Object.values(resources)
    .filter((r) => r.Type === policyType)
    .filter((r) => {
      const target = r.Properties?.[targetProperty];
      const targets = Array.isArray(target) ? target : [target];
      return targets.some((t) => referencedId(t) === targetId);
    })
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement?: Json[] } | undefined)?.Statement ?? []);
}

/** Checks of each stateful type: what is wrong with one resource, or nothing. */
const STATEFUL: Readonly<Record<string, (resources: Resources, id: string, p: Json) => string[]>> = {
  'AWS::Kinesis::Stream': (resources, _id, p) => {
    const encryption = p.StreamEncryption as Json | undefined;
    if (encryption?.EncryptionType !== 'KMS') return ['not encrypted with KMS'];
    return isGoodKey(resources, encryption.KeyId, 'alias/aws/kinesis')
      ? []
      : ['its KMS key is neither a rotating key of the stack nor alias/aws/kinesis'];
  },
  'AWS::DynamoDB::Table': (resources, _id, p) => {
    const sse = p.SSESpecification as Json | undefined;
    // SSEEnabled: KMS encryption (the AWS-managed key, or KMSMasterKeyId); without it only an AWS-owned key.
    if (sse?.SSEEnabled !== true) return ['SSESpecification.SSEEnabled is not true'];
    const key = sse.KMSMasterKeyId;
    return key === undefined || isGoodKey(resources, key, 'alias/aws/dynamodb') ? [] : ['its KMS key does not rotate'];
  },
  'AWS::S3::Bucket': (resources, id, p) => {
    const problems: string[] = [];
    const rules = ((p.BucketEncryption as Json | undefined)?.ServerSideEncryptionConfiguration as Json[] | undefined) ?? [];
    const algorithms = rules.map((rule) => (rule.ServerSideEncryptionByDefault as Json | undefined)?.SSEAlgorithm);
    if (algorithms.length === 0 || !algorithms.every((a) => a === 'AES256' || a === 'aws:kms' || a === 'aws:kms:dsse')) {
      problems.push('has no default server-side encryption');
    }
    const block = (p.PublicAccessBlockConfiguration as Json | undefined) ?? {};
    for (const setting of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
      if (block[setting] !== true) problems.push(`does not set ${setting}`);
    }
    const statements = policyStatementsFor(resources, 'AWS::S3::BucketPolicy', 'Bucket', id);
    const denied = statements.filter(deniesPlainTransport).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    const coversBucket = denied.some((r) => referencedId(r) === id);
    const coversObjects = denied.some((r) => JSON.stringify(r).includes(`"${id}"`) && JSON.stringify(r).includes('"/*"'));
    if (!coversBucket || !coversObjects)
      problems.push('its bucket policy does not deny plain HTTP to the bucket and its objects (enforceSSL)');
    return problems;
  },
  'AWS::SNS::Topic': (resources, id, p) => {
    const problems: string[] = [];
    if (!isGoodKey(resources, p.KmsMasterKeyId, 'alias/aws/sns')) problems.push('has no KMS master key that rotates');
    if (!policyStatementsFor(resources, 'AWS::SNS::TopicPolicy', 'Topics', id).some(deniesPlainTransport))
      problems.push('its topic policy does not deny plain HTTP');
    return problems;
  },
  'AWS::SQS::Queue': (resources, _id, p) => {
    if (p.KmsMasterKeyId !== undefined)
      return isGoodKey(resources, p.KmsMasterKeyId, 'alias/aws/sqs') ? [] : ['its KMS key does not rotate'];
    return p.SqsManagedSseEnabled === true ? [] : ['sets neither KmsMasterKeyId nor SqsManagedSseEnabled'];
  },
  // CloudWatch Logs always encrypts log data at rest with a service key. A customer key is not
  // required: the consumer never logs payloads (test/integration/quarantineLogging.test.ts), and
  // a key would need a key policy for the logs service principal. A key, when set, must rotate.
  'AWS::Logs::LogGroup': (resources, _id, p) =>
    p.KmsKeyId === undefined || isGoodKey(resources, p.KmsKeyId, '') ? [] : ['its KMS key does not rotate'],
  'AWS::KMS::Key': (_resources, _id, p) => (p.EnableKeyRotation === true ? [] : ['key rotation is off']),
};

function encryptionProblems(template: Template): string[] {
  const resources = template.toJSON().Resources as Resources;
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const check = STATEFUL[resource.Type];
    if (check) problems.push(...check(resources, id, resource.Properties ?? {}).map((problem) => `${id} (${resource.Type}) ${problem}`));
    else if (!STATELESS.has(resource.Type))
      problems.push(`${id}: ${resource.Type} is neither checked for encryption nor known to be stateless`);
  }
  return problems;
}

function build(partial: Partial<StreamtallyConfig> = {}): StreamtallyStack {
  return new StreamtallyStack(newApp(), 'Streamtally-test', { config: resolveConfig(partial) });
}

describe('encryption at rest', () => {
  it.each<[string, Partial<StreamtallyConfig>]>([
    ['the default configuration', {}],
    [
      'an on-demand stream, alarm e-mail, parallel batches',
      { streamMode: 'on-demand', alarmEmail: 'ops@example.com', parallelizationFactor: 4 },
    ],
    ['the dashboard HTTP API on', { dashboardApi: true, dashboardApiEventTypes: 'page_view' }],
  ])('%s: every stateful resource is encrypted, every bucket private and TLS-only', (_name, partial) => {
    expect(encryptionProblems(Template.fromStack(build(partial)))).toEqual([]);
  });

  it('checks the stream, both tables, both buckets, the topic, the log group and both keys', () => {
    const resources = Template.fromStack(build()).toJSON().Resources as Resources;
    const checked = Object.values(resources)
      .map((r) => r.Type)
      .filter((type) => type in STATEFUL)
      .sort();
    expect(checked).toEqual([
      'AWS::DynamoDB::Table',
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::KMS::Key',
      'AWS::Kinesis::Stream',
      'AWS::Logs::LogGroup',
      'AWS::S3::Bucket',
      'AWS::S3::Bucket',
      'AWS::SNS::Topic',
    ]);
  });

  // Each addition below must be reported: every resource of each type is checked, not the first.
  it.each<[string, (stack: StreamtallyStack) => void, RegExp]>([
    [
      'an unencrypted stream',
      (stack) => new kinesis.CfnStream(stack, 'Plain', { shardCount: 1 }),
      /^Plain \(AWS::Kinesis::Stream\) not encrypted with KMS$/m,
    ],
    [
      'a table with SSE off',
      (stack) =>
        new dynamodb.Table(stack, 'PlainTable', {
          partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
          encryption: dynamodb.TableEncryption.DEFAULT,
        }),
      /^PlainTable\w+ \(AWS::DynamoDB::Table\) SSESpecification.SSEEnabled is not true$/m,
    ],
    [
      'a bucket without encryption, public access block or enforceSSL',
      (stack) => new s3.CfnBucket(stack, 'PlainBucket'),
      /PlainBucket \(AWS::S3::Bucket\) has no default server-side encryption[\s\S]*does not set BlockPublicAcls[\s\S]*does not deny plain HTTP/,
    ],
    [
      'an encrypted bucket that allows plain HTTP',
      (stack) =>
        new s3.Bucket(stack, 'NoSsl', { encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL }),
      /^NoSsl\w+ \(AWS::S3::Bucket\) its bucket policy does not deny plain HTTP/m,
    ],
    [
      'a topic without a key',
      (stack) => new sns.Topic(stack, 'PlainTopic'),
      /^PlainTopic\w+ \(AWS::SNS::Topic\) has no KMS master key that rotates$/m,
    ],
    [
      'a queue with SSE off',
      (stack) => new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED }),
      /^PlainQueue\w+ \(AWS::SQS::Queue\) sets neither/m,
    ],
    [
      'a key that does not rotate',
      (stack) => new kms.Key(stack, 'Stale', { enableKeyRotation: false }),
      /^Stale\w+ \(AWS::KMS::Key\) key rotation is off$/m,
    ],
    [
      'a log group with a key that does not rotate',
      (stack) => new logs.LogGroup(stack, 'Logs', { encryptionKey: new kms.Key(stack, 'LogsKey', { enableKeyRotation: false }) }),
      /^Logs\w+ \(AWS::Logs::LogGroup\) its KMS key does not rotate$/m,
    ],
    [
      'a resource of a type nobody classified',
      (stack) => new CfnResource(stack, 'Files', { type: 'AWS::EFS::FileSystem' }),
      /^Files: AWS::EFS::FileSystem is neither checked for encryption nor known to be stateless$/m,
    ],
  ])('reports %s', (_name, add, expected) => {
    const stack = build();
    add(stack);
    expect(encryptionProblems(Template.fromStack(stack)).join('\n')).toMatch(expected);
  });
});
