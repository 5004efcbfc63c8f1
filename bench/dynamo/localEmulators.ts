import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { tablesFromTemplate } from '../../src/local/tablesFromTemplate';
import { dynamoClient, s3Client } from '../../test/support/clients';
import { startDynalite, startS3rver } from '../../test/support/emulators';
import { outputLogicalId, synthesizedTemplate } from '../../test/support/synthesizedTemplate';
import { RequestLog } from './RequestLog';

/** dynalite and s3rver in this process, clients that log their requests, and the stack's table definitions. */
export interface LocalEmulators {
  readonly dynamo: DynamoDBClient;
  /** dynalite's endpoint, for a second client (the billing meter's own reads). */
  readonly dynamoEndpoint: string;
  readonly s3: S3Client;
  readonly log: RequestLog;
  readonly bucket: string;
  /** Creates the template's aggregates and checkpoint tables under fresh names. */
  createTables(suffix: string): Promise<{ aggregatesTable: string; checkpointTable: string }>;
  close(): Promise<void>;
}

/**
 * Starts the emulators the integration tests use and reads the tables from
 * the synthesized CDK template, so the bench writes to the same key schema
 * and indexes `cdk deploy` creates.
 */
export async function startLocalEmulators(): Promise<LocalEmulators> {
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => logicalId);
  const aggregates = tableInput(tables, outputLogicalId(template, 'AggregatesTableName'));
  const checkpoints = tableInput(tables, outputLogicalId(template, 'CheckpointTableName'));

  const s3Directory = mkdtempSync(join(tmpdir(), 'streamtally-bench-s3-'));
  const dynalite = await startDynalite();
  const s3rver = await startS3rver(s3Directory);
  const log = new RequestLog();
  const dynamo = dynamoClient(dynalite.endpoint);
  const s3 = s3Client(s3rver.endpoint);
  log.attach(dynamo);
  log.attach(s3);
  const bucket = 'streamtally-bench-quarantine';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  return {
    dynamo,
    dynamoEndpoint: dynalite.endpoint,
    s3,
    log,
    bucket,
    async createTables(suffix) {
      const aggregatesTable = `${aggregates.TableName}-${suffix}`;
      const checkpointTable = `${checkpoints.TableName}-${suffix}`;
      await dynamo.send(new CreateTableCommand({ ...aggregates, TableName: aggregatesTable }));
      await dynamo.send(new CreateTableCommand({ ...checkpoints, TableName: checkpointTable }));
      return { aggregatesTable, checkpointTable };
    },
    async close() {
      dynamo.destroy();
      s3.destroy();
      await Promise.all([dynalite.close(), s3rver.close()]);
      rmSync(s3Directory, { recursive: true, force: true });
    },
  };
}

function tableInput(tables: ReturnType<typeof tablesFromTemplate>, logicalId: string): CreateTableCommandInput {
  const table = tables.find((candidate) => candidate.logicalId === logicalId);
  if (!table) throw new Error(`the synthesized template has no table ${logicalId}`);
  return table.input;
}
