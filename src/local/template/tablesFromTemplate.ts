import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { CloudFormationTemplate } from './CloudFormationTemplate';

/** A table of the template, ready to create in an emulator. */
export interface TemplateTable {
  /** The table's logical id in the template. */
  readonly logicalId: string;
  readonly input: CreateTableCommandInput;
}

/**
 * Reads every `AWS::DynamoDB::Table` of a synthesized template as a
 * CreateTable request, so the local stack and the tests build exactly the
 * tables that `cdk deploy` would: keys, attribute types and indexes come from
 * the template, never from a second description. `tableName` names each
 * table (templates leave names to CloudFormation).
 */
export function tablesFromTemplate(
  template: Pick<CloudFormationTemplate, 'Resources'>,
  tableName: (logicalId: string) => string,
): TemplateTable[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const properties = (resource.Properties ?? {}) as Record<string, any>;
      const input: CreateTableCommandInput = {
        TableName: tableName(logicalId),
        KeySchema: properties.KeySchema,
        AttributeDefinitions: properties.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
      };
      if (Array.isArray(properties.GlobalSecondaryIndexes) && properties.GlobalSecondaryIndexes.length > 0) {
        input.GlobalSecondaryIndexes = properties.GlobalSecondaryIndexes.map((index: Record<string, any>) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
        }));
      }
      if (Array.isArray(properties.LocalSecondaryIndexes) && properties.LocalSecondaryIndexes.length > 0) {
        input.LocalSecondaryIndexes = properties.LocalSecondaryIndexes.map((index: Record<string, any>) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
        }));
      }
      return { logicalId, input };
    });
}
