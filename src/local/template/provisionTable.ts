import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { LocalTablePlan } from './LocalStackPlan';
import type { ProvisionOutcome } from './ProvisionReport';
import { waitUntil } from './waitUntil';
import { ProvisionError } from '../errors';

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. A table left by an
 * earlier run is kept with its items, provided its keys and indexes are the template's;
 * otherwise that is a {@link ProvisionError} (the emulator cannot change a key schema).
 */
export async function provisionTable(dynamodb: DynamoDBClient, table: LocalTablePlan, timeoutMs: number): Promise<ProvisionOutcome> {
  const { tableName: TableName, logicalId } = table;
  const fail = (action: string, error: unknown) =>
    new ProvisionError(logicalId, `cannot ${action} table ${TableName}: ${(error as Error).message ?? String(error)}`, { cause: error });
  const describe = async (): Promise<TableDescription | undefined> => {
    try {
      return (await dynamodb.send(new DescribeTableCommand({ TableName }))).Table;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw fail('describe', error);
    }
  };

  let outcome: ProvisionOutcome = 'kept';
  const existing = await describe();
  if (existing) {
    const mismatch = schemaMismatch(table, existing);
    if (mismatch) {
      throw new ProvisionError(
        logicalId,
        `table ${TableName} from an earlier run ${mismatch}; delete its data directory (.streamtally/data/dynamodb) to start afresh`,
      );
    }
  } else {
    try {
      await dynamodb.send(new CreateTableCommand(table.createTableInput));
      outcome = 'created';
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw fail('create', error);
    }
  }
  await waitUntil(
    async () => ((await describe())?.TableStatus === 'ACTIVE' ? true : undefined),
    timeoutMs,
    () => new ProvisionError(logicalId, `table ${TableName} did not become ACTIVE within ${timeoutMs / 1000} s`),
  );
  return outcome;
}

/** How an existing table differs from the plan in what cannot change in place, if it does. */
function schemaMismatch(table: LocalTablePlan, existing: TableDescription): string | undefined {
  const keys = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
  const wanted = table.createTableInput;
  if (keys(wanted.KeySchema) !== keys(existing.KeySchema))
    return `has keys ${keys(existing.KeySchema)}, the template ${keys(wanted.KeySchema)}`;
  const indexes = (list: readonly { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[] | undefined) =>
    (list ?? [])
      .map((index) => `${index.IndexName}(${keys(index.KeySchema)})`)
      .sort()
      .join(' ');
  const wantedIndexes = indexes([...(wanted.GlobalSecondaryIndexes ?? []), ...(wanted.LocalSecondaryIndexes ?? [])]);
  const existingIndexes = indexes([...(existing.GlobalSecondaryIndexes ?? []), ...(existing.LocalSecondaryIndexes ?? [])]);
  if (wantedIndexes !== existingIndexes) return `has indexes ${existingIndexes || 'none'}, the template ${wantedIndexes || 'none'}`;
  return undefined;
}
