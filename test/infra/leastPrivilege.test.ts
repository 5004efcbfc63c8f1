import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { newApp } from './synthStack';

// Least privilege, checked on the synthesized template: for every Lambda function, every
// statement of every policy its role has must name only that function's own resources. A
// function's own resources are read from the template itself: the stream of its event source
// mappings, the on-failure destination of those mappings, the resources its environment names,
// its log group, and the KMS keys those resources are encrypted with. Anything else, a wildcard
// action, or Resource "*" (outside the documented exceptions below) is a violation.

type Json = Record<string, unknown>;
interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
}
type Resources = Readonly<Record<string, CfnResource>>;
interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
}

/**
 * Actions AWS only authorizes on Resource "*", each with the reason. Nothing else may use "*".
 */
const ACTIONS_THAT_NEED_STAR: Readonly<Record<string, string>> = {
  // X-Ray has no resource-level permissions: tracing (Tracing.ACTIVE) cannot be granted narrower.
  'xray:PutTraceSegments': 'X-Ray supports no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray supports no resource-level permissions',
};

/** The resource types an action of each service may name. */
const SERVICE_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  kinesis: ['AWS::Kinesis::Stream', 'AWS::Kinesis::StreamConsumer'],
  dynamodb: ['AWS::DynamoDB::Table'],
  s3: ['AWS::S3::Bucket'],
  kms: ['AWS::KMS::Key'],
  logs: ['AWS::Logs::LogGroup'],
  sqs: ['AWS::SQS::Queue'],
  sns: ['AWS::SNS::Topic'],
};

/** The logical id an intrinsic refers to: `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attribute] }`. */
function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as Json).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as Json)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** `{ 'Fn::GetAtt': [id, 'Arn'] }` (or ConsumerARN), else undefined. */
function arnOf(value: unknown): string | undefined {
  const getAtt = typeof value === 'object' && value !== null ? (value as Json)['Fn::GetAtt'] : undefined;
  if (!Array.isArray(getAtt) || (getAtt[1] !== 'Arn' && getAtt[1] !== 'ConsumerARN')) return undefined;
  return typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** `<arn of a resource><literal suffix>` as CDK writes it: `{ 'Fn::Join': ['', [GetAtt, '/suffix']] }`. */
function arnWithSuffix(value: unknown): { id: string; suffix: string } | undefined {
  const join = typeof value === 'object' && value !== null ? (value as Json)['Fn::Join'] : undefined;
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1]) || join[1].length !== 2) return undefined;
  const [head, suffix] = join[1] as unknown[];
  const id = arnOf(head);
  return id !== undefined && typeof suffix === 'string' ? { id, suffix } : undefined;
}

/** The logical ids of the resources one function may touch. */
function ownResourcesOf(resources: Resources, functionId: string): Set<string> {
  const own = new Set<string>();
  const fn = resources[functionId]!.Properties ?? {};
  const add = (value: unknown) => {
    const id = referencedId(value);
    if (id !== undefined && resources[id]) own.add(id);
  };
  for (const value of Object.values(((fn.Environment as Json | undefined)?.Variables as Json | undefined) ?? {})) add(value);
  add((fn.LoggingConfig as Json | undefined)?.LogGroup);
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping' || referencedId(resource.Properties?.FunctionName) !== functionId) continue;
    add(resource.Properties?.EventSourceArn);
    add(((resource.Properties?.DestinationConfig as Json | undefined)?.OnFailure as Json | undefined)?.Destination);
  }
  // An enhanced fan-out consumer reads its own stream.
  for (const id of [...own]) if (resources[id]!.Type === 'AWS::Kinesis::StreamConsumer') add(resources[id]!.Properties?.StreamARN);
  // The keys those resources are encrypted with.
  for (const id of [...own]) {
    const p = resources[id]!.Properties ?? {};
    add((p.StreamEncryption as Json | undefined)?.KeyId);
    add((p.SSESpecification as Json | undefined)?.KMSMasterKeyId);
    add(p.KmsMasterKeyId);
    add(p.KmsKeyId);
    const rules = ((p.BucketEncryption as Json | undefined)?.ServerSideEncryptionConfiguration as Json[] | undefined) ?? [];
    for (const rule of rules) add((rule.ServerSideEncryptionByDefault as Json | undefined)?.KMSMasterKeyID);
  }
  return own;
}

/** Index names of a table, so that `<table arn>/index/<name>` is allowed for exactly those. */
function indexNames(table: CfnResource): string[] {
  const p = table.Properties ?? {};
  return [...((p.GlobalSecondaryIndexes as Json[] | undefined) ?? []), ...((p.LocalSecondaryIndexes as Json[] | undefined) ?? [])].map(
    (index) => index.IndexName as string,
  );
}

/** Why one Resource entry is not among the function's own resources, or undefined when it is. */
function resourceProblem(resources: Resources, own: ReadonlySet<string>, service: string, resource: unknown): string | undefined {
  const whole = arnOf(resource);
  const part = arnWithSuffix(resource);
  const id = whole ?? part?.id;
  if (id === undefined) return `names ${JSON.stringify(resource)}, not an ARN of a resource of this template`;
  if (!own.has(id)) return `names ${id}, which is not one of the function's own resources`;
  const type = resources[id]!.Type;
  if (!(SERVICE_RESOURCE_TYPES[service] ?? []).includes(type)) return `is a ${service} action on ${id} (${type})`;
  if (part === undefined) return undefined;
  if (type === 'AWS::DynamoDB::Table') {
    const index = /^\/index\/(.+)$/.exec(part.suffix)?.[1];
    if (index !== undefined && indexNames(resources[id]!).includes(index)) return undefined;
    return `names ${id}${part.suffix}, not one of its indexes by name`;
  }
  // Objects under one fixed key prefix of the bucket (never the whole bucket's "/*").
  if (type === 'AWS::S3::Bucket' && /^\/[^*]+\/\*$/.test(part.suffix)) return undefined;
  return `names ${id}${part.suffix}`;
}

/** The statements of every policy attached to a role: inline, AWS::IAM::Policy and AWS::IAM::ManagedPolicy. */
function statementsOfRole(resources: Resources, roleId: string): { source: string; statement: Statement }[] {
  const found: { source: string; statement: Statement }[] = [];
  const addDocument = (source: string, document: unknown) => {
    const statements = (document as { Statement?: Statement | Statement[] } | undefined)?.Statement ?? [];
    for (const statement of Array.isArray(statements) ? statements : [statements]) found.push({ source, statement });
  };
  for (const policy of (resources[roleId]!.Properties?.Policies as Json[] | undefined) ?? []) {
    addDocument(`${roleId} inline ${String(policy.PolicyName)}`, policy.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.Roles as unknown[] | undefined) ?? [];
    if (roles.some((role) => referencedId(role) === roleId)) addDocument(id, resource.Properties?.PolicyDocument);
  }
  return found;
}

/** Every way the template's functions exceed their own resources, one line each; empty when none does. */
function leastPrivilegeViolations(template: Template): string[] {
  const resources = template.toJSON().Resources as Resources;
  const violations: string[] = [];
  const functionsByRole = new Map<string, string[]>();
  for (const [functionId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const roleId = referencedId(resource.Properties?.Role);
    if (roleId === undefined || resources[roleId]?.Type !== 'AWS::IAM::Role') {
      violations.push(`${functionId}: its role is not a role of this template, so its permissions cannot be checked`);
      continue;
    }
    functionsByRole.set(roleId, [...(functionsByRole.get(roleId) ?? []), functionId]);
  }
  for (const [roleId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const functions = functionsByRole.get(roleId);
    if (functions === undefined) violations.push(`${roleId}: a role no function of the template uses; add its rules to this test`);
    else if (functions.length > 1) violations.push(`${roleId}: shared by ${functions.join(', ')}; give each function its own role`);
    if (resource.Properties?.ManagedPolicyArns !== undefined) {
      violations.push(`${roleId}: has managed policies ${JSON.stringify(resource.Properties.ManagedPolicyArns)}`);
    }
  }

  for (const [roleId, [functionId] = []] of functionsByRole) {
    if (functionId === undefined) continue;
    const own = ownResourcesOf(resources, functionId);
    for (const { source, statement } of statementsOfRole(resources, roleId)) {
      const where = `${functionId} (${source})`;
      if (statement.Effect !== 'Allow') continue;
      if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
        violations.push(`${where}: uses NotAction/NotResource`);
        continue;
      }
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      const statementResources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const action of actions) {
        // Rejects "*", "service:*" and partial wildcards such as "s3:Get*" alike.
        if (typeof action !== 'string' || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
          violations.push(`${where}: action ${JSON.stringify(action)} is not one named action`);
        }
        const service = /^([a-z0-9-]+):/.exec(String(action))?.[1];
        if (service === undefined) continue;
        for (const resource of statementResources) {
          if (resource === '*') {
            if (!Object.hasOwn(ACTIONS_THAT_NEED_STAR, String(action))) violations.push(`${where}: ${action} on Resource "*"`);
            continue;
          }
          const problem = resourceProblem(resources, own, service, resource);
          if (problem !== undefined) violations.push(`${where}: ${action} ${problem}`);
        }
      }
    }
  }
  return violations;
}

/** A stack not yet synthesized, so that a test can still add to it. */
function build(partial: Partial<StreamtallyConfig> = {}): StreamtallyStack {
  return new StreamtallyStack(newApp(), 'Streamtally-test', { config: resolveConfig(partial) });
}

describe('least privilege of every function role', () => {
  it.each<[string, Partial<StreamtallyConfig>]>([
    ['the default configuration', {}],
    [
      'an on-demand stream, alarm e-mail, parallel batches',
      { streamMode: 'on-demand', alarmEmail: 'ops@example.com', parallelizationFactor: 4 },
    ],
    ['no producer-id dedup', { dedupProducerIds: false }],
    ['the dashboard HTTP API on', { dashboardApi: true, dashboardApiEventTypes: 'page_view,search' }],
  ])('%s: every statement names only the function own stream, tables, indexes, quarantine, key and log group', (_name, partial) => {
    expect(leastPrivilegeViolations(Template.fromStack(build(partial)))).toEqual([]);
  });

  it('derives the aggregator own resources from the template: its stream, its two tables, the quarantine, the stream key, its log group', () => {
    const template = Template.fromStack(build());
    const resources = template.toJSON().Resources as Resources;
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    const own = [...ownResourcesOf(resources, functionId!)].map((id) => resources[id]!.Type).sort();
    expect(own).toEqual([
      'AWS::DynamoDB::Table',
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::Kinesis::Stream',
      'AWS::Logs::LogGroup',
      'AWS::S3::Bucket',
    ]);
    // The stream key, not the alarm topic's key.
    const key = [...ownResourcesOf(resources, functionId!)].find((id) => resources[id]!.Type === 'AWS::KMS::Key');
    expect(key).toMatch(/^EventStreamKey/);
  });

  // Each broadening below must be reported: the check is not vacuous.
  describe('reports a broadened grant', () => {
    const cases: [string, (stack: StreamtallyStack) => void, RegExp][] = [
      [
        'a write to another table',
        (stack) =>
          new dynamodb.Table(stack, 'Other', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }).grantWriteData(
            stack.aggregator.fn,
          ),
        /dynamodb:PutItem names Other\w+, which is not one of the function's own resources/,
      ],
      [
        'a table outside the stack, by ARN',
        (stack) =>
          dynamodb.Table.fromTableArn(stack, 'Foreign', 'arn:aws:dynamodb:us-east-1:123456789012:table/foreign').grantReadData(
            stack.aggregator.fn,
          ),
        /dynamodb:GetItem names .*table\/foreign.*not an ARN of a resource of this template/,
      ],
      [
        'every index of its own table',
        (stack) => stack.store.aggregatesTable.grantReadData(stack.aggregator.fn),
        /dynamodb:Query names AggregatesStoreAggregates\w+\/index\/\*, not one of its indexes by name/,
      ],
      [
        'reading another bucket',
        (stack) => new s3.Bucket(stack, 'OtherBucket').grantRead(stack.aggregator.fn),
        /s3:GetObject\* names OtherBucket\w+, which is not one of the function's own resources/,
      ],
      [
        'every object of its own bucket',
        (stack) => stack.quarantine.bucket.grantRead(stack.aggregator.fn),
        /s3:GetObject\* names QuarantineBucket\w+\/\*$/m,
      ],
      [
        'a service wildcard action',
        (stack) =>
          stack.aggregator.fn.addToRolePolicy(
            new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.store.checkpointTable.tableArn] }),
          ),
        /action "dynamodb:\*" is not one named action/,
      ],
      [
        'the "*" action',
        (stack) =>
          stack.aggregator.fn.addToRolePolicy(
            new iam.PolicyStatement({ actions: ['*'], resources: [stack.store.checkpointTable.tableArn] }),
          ),
        /action "\*" is not one named action/,
      ],
      [
        'a data action on Resource "*"',
        (stack) => stack.aggregator.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: ['*'] })),
        /dynamodb:Query on Resource "\*"/,
      ],
      [
        'decrypting with the alarm topic key',
        (stack) => stack.monitoring.alarmTopic.masterKey!.grantDecrypt(stack.aggregator.fn),
        /kms:Decrypt names MonitoringAlarmTopicKey\w+, which is not one of the function's own resources/,
      ],
      [
        'an action of one service on a resource of another',
        (stack) =>
          stack.aggregator.fn.addToRolePolicy(
            new iam.PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [stack.store.checkpointTable.tableArn] }),
          ),
        /kinesis:PutRecord is a kinesis action on AggregatesStoreCheckpoints\w+ \(AWS::DynamoDB::Table\)/,
      ],
      [
        'an AWS managed policy',
        (stack) => stack.aggregator.fn.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonDynamoDBFullAccess')),
        /has managed policies/,
      ],
      [
        'a separate policy attached to the role',
        (stack) =>
          new iam.Policy(stack, 'Extra', {
            roles: [stack.aggregator.fn.role!],
            statements: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [stack.monitoring.alarmTopic.topicArn] })],
          }),
        /\(Extra\w+\): sns:Publish names .*Ref.*MonitoringAlarmTopic/,
      ],
      [
        'a role of its own that no function uses',
        (stack) => new iam.Role(stack, 'Stray', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
        /Stray\w+: a role no function of the template uses/,
      ],
    ];

    it.each(cases)('%s', (_name, broaden, expected) => {
      const stack = build();
      broaden(stack);
      const violations = leastPrivilegeViolations(Template.fromStack(stack));
      expect(violations.join('\n')).toMatch(expected);
    });
  });
});
