import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CloudFormationResource, CloudFormationTemplate } from '../../../../src/local/template';

/** A hash-like asset id, as cdk.out names asset directories. */
export const ASSET_HASH = 'a'.repeat(64);

/** A temporary assembly directory holding `asset.<ASSET_HASH>/index.js` (unless `withAsset` is false). */
export function assemblyDirectory(withAsset = true): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamtally-assembly-'));
  if (withAsset) {
    mkdirSync(path.join(dir, `asset.${ASSET_HASH}`));
    writeFileSync(path.join(dir, `asset.${ASSET_HASH}`, 'index.js'), 'exports.handler = async () => ({});\n');
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal stack: a stream, a bucket, a function (with `environment`) and a mapping between them. */
export function handWrittenTemplate(
  overrides: {
    environment?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    extraResources?: Record<string, CloudFormationResource>;
    functionProperties?: Record<string, unknown>;
  } = {},
): CloudFormationTemplate {
  return {
    Resources: {
      Stream: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 2 } },
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        },
      },
      Failures: { Type: 'AWS::S3::Bucket' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `${ASSET_HASH}.zip` },
          Handler: 'index.handler',
          Runtime: 'nodejs22.x',
          Environment: { Variables: overrides.environment ?? {} },
          ...overrides.functionProperties,
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Stream', 'Arn'] },
          FunctionName: { Ref: 'Fn' },
          StartingPosition: 'LATEST',
          ...overrides.mapping,
        },
      },
      ...overrides.extraResources,
    },
  };
}
