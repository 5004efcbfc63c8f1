import type { CloudFormationResource } from './CloudFormationTemplate';
import type { LocalEnvironment } from './LocalEnvironment';
import { localResourceName } from './localResourceName';
import type { ResourceIdentity } from './ResourceIdentity';

/** The property that names a resource of each type, where the template may set it. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Kinesis::Stream': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
};

/**
 * The local name, `Ref` value and attributes of a resource, as CloudFormation documents
 * them per type, with fake but well-formed ARNs in the local account and region. A name the
 * template sets as a plain string is kept (as `cdk deploy` would); others are derived from
 * the logical id ({@link localResourceName}).
 */
export function identifyResource(logicalId: string, resource: CloudFormationResource, environment: LocalEnvironment): ResourceIdentity {
  const { region, accountId } = environment;
  const { Type: type } = resource;
  const explicitName = resource.Properties?.[NAME_PROPERTY[type] ?? ''];
  const name =
    typeof explicitName === 'string' && explicitName !== '' ? explicitName : localResourceName(logicalId, environment.namePrefix);
  const identity = (ref: string, attributes: Record<string, string>): ResourceIdentity => ({ logicalId, type, name, ref, attributes });

  switch (type) {
    case 'AWS::Kinesis::Stream':
      return identity(name, { Arn: `arn:aws:kinesis:${region}:${accountId}:stream/${name}` });
    case 'AWS::DynamoDB::Table':
      // No StreamArn: dynalite has no DynamoDB Streams, and a made-up one would lead nowhere.
      return identity(name, { Arn: `arn:aws:dynamodb:${region}:${accountId}:table/${name}` });
    case 'AWS::S3::Bucket':
      return identity(name, {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
      });
    case 'AWS::Lambda::Function':
      return identity(name, { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` });
    case 'AWS::SNS::Topic': {
      const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
      return identity(arn, { Arn: arn, TopicArn: arn, TopicName: name });
    }
    case 'AWS::SQS::Queue': {
      const url = `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
      return identity(url, { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name, QueueUrl: url });
    }
    case 'AWS::IAM::Role':
      return identity(name, {
        Arn: `arn:aws:iam::${accountId}:role/${name}`,
        RoleId: `AROA${name.toUpperCase().replace(/-/g, '').slice(0, 17)}`,
      });
    case 'AWS::KMS::Key': {
      // Ref of a key is its id; a stable one from the logical id keeps runs comparable.
      const keyId = `local-${name}`;
      return identity(keyId, { Arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}`, KeyId: keyId });
    }
    case 'AWS::Logs::LogGroup':
      return identity(name, { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` });
    case 'AWS::CloudWatch::Alarm':
      return identity(name, { Arn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}` });
    default: {
      const [, service = 'unknown', kind = 'resource'] = type.split('::');
      return identity(name, { Arn: `arn:aws:${service.toLowerCase()}:${region}:${accountId}:${kind.toLowerCase()}/${name}` });
    }
  }
}
