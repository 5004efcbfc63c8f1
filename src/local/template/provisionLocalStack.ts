import type { LocalStackPlan } from './LocalStackPlan';
import type { ProvisionClients } from './ProvisionClients';
import { provisionBucket } from './provisionBucket';
import type { ProvisionReport } from './ProvisionReport';
import { provisionStream } from './provisionStream';
import { provisionTable } from './provisionTable';

/** Options of {@link provisionLocalStack}. */
export interface ProvisionOptions {
  /** How long a stream or table may take to become ACTIVE. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Creates the plan's streams, tables and buckets in the emulators, waiting until each is
 * ACTIVE. Idempotent: what exists from an earlier run (with persisted data) is kept, data
 * and all; a stream's retention and shard count are brought to the template's. Encryption
 * and the other settings in `plan.notEmulated` are not applied.
 * @throws {@link ProvisionError} naming the resource that could not be created
 * @example
 * const report = await provisionLocalStack(plan, localClients(emulators.endpoints));
 */
export async function provisionLocalStack(
  plan: LocalStackPlan,
  clients: ProvisionClients,
  options: ProvisionOptions = {},
): Promise<ProvisionReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const [streams, tables, buckets] = await Promise.all([
    Promise.all(
      plan.streams.map(async (stream) => ({
        logicalId: stream.logicalId,
        kind: 'stream' as const,
        name: stream.streamName,
        outcome: await provisionStream(clients.kinesis, stream, timeoutMs),
      })),
    ),
    Promise.all(
      plan.tables.map(async (table) => ({
        logicalId: table.logicalId,
        kind: 'table' as const,
        name: table.tableName,
        outcome: await provisionTable(clients.dynamodb, table, timeoutMs),
      })),
    ),
    Promise.all(
      plan.buckets.map(async (bucket) => ({
        logicalId: bucket.logicalId,
        kind: 'bucket' as const,
        name: bucket.bucketName,
        outcome: await provisionBucket(clients.s3, bucket),
      })),
    ),
  ]);
  return { resources: [...streams, ...tables, ...buckets] };
}
