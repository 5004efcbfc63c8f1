import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

const POLL_MS = 250;
/** Creating a table with an index takes well under a minute on AWS; anything longer is a problem to report. */
const WAIT_LIMIT_MS = 5 * 60_000;

/** Describes a table, or `undefined` when it does not exist. */
export async function describeTable(dynamo: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Creates the shadow aggregates table with the live table's schema, read
 * from the live table itself (DescribeTable) rather than from the template,
 * so it matches whatever is deployed on any target: the same keys and the
 * same `byWindow` index, so that DynamoAggregateStore writes to it
 * exactly as to the live one and `query`-style reads work on it. On-demand
 * billing; encrypted with the live table's KMS key when it has one. No TTL,
 * on purpose: a replay's claims and old windows must stay until the shadow
 * is dropped. Resolves once the table and its indexes are ACTIVE.
 */
export async function createShadowTable(dynamo: DynamoDBClient, liveTable: string, shadowTable: string): Promise<void> {
  const live = await describeTable(dynamo, liveTable);
  if (!live) throw new Error(`the live aggregates table ${liveTable} does not exist`);
  const input: CreateTableCommandInput = {
    TableName: shadowTable,
    KeySchema: live.KeySchema,
    AttributeDefinitions: live.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (live.GlobalSecondaryIndexes?.length) {
    input.GlobalSecondaryIndexes = live.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }));
  }
  const kmsKey = live.SSEDescription?.SSEType === 'KMS' ? live.SSEDescription.KMSMasterKeyArn : undefined;
  if (kmsKey) input.SSESpecification = { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: kmsKey };
  try {
    await dynamo.send(new CreateTableCommand(input));
  } catch (error) {
    // DynamoDB wants no key id for its own AWS-managed key (alias/aws/dynamodb), which
    // DescribeTable reports by ARN like any other: use that key by leaving the id out.
    if (!kmsKey || (error as Error).name !== 'ValidationException') throw error;
    await dynamo.send(new CreateTableCommand({ ...input, SSESpecification: { Enabled: true, SSEType: 'KMS' } }));
  }
  await waitFor(`${shadowTable} to become ACTIVE`, async () => {
    const table = await describeTable(dynamo, shadowTable);
    return table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
  });
}

/** Deletes the shadow table if it exists, and resolves once it is gone. */
export async function deleteShadowTable(dynamo: DynamoDBClient, shadowTable: string): Promise<boolean> {
  const existing = await describeTable(dynamo, shadowTable);
  if (!existing) return false;
  if (existing.TableStatus !== 'DELETING') {
    try {
      await dynamo.send(new DeleteTableCommand({ TableName: shadowTable }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }
  await waitFor(`${shadowTable} to be deleted`, async () => (await describeTable(dynamo, shadowTable)) === undefined);
  return true;
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${WAIT_LIMIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
