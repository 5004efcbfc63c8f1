import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BatchPorts } from '../../lambdas/aggregator/processBatch';
import { DynamoAggregateStore } from '../../lambdas/aggregator/store/DynamoAggregateStore';
import { DynamoCheckpointStore } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import { DynamoClaimStore } from '../../lambdas/aggregator/store/DynamoClaimStore';
import { S3QuarantineSink } from '../../lambdas/aggregator/store/S3QuarantineSink';
import { countCall, type CallCounts } from './CallCounts';
import type { MemoryPorts } from './memoryPorts';

/** Operation names as the other bench ports count them, by command. */
const OPERATIONS: Record<string, string> = {
  UpdateItemCommand: 'write',
  PutItemCommand: 'write',
  PutObjectCommand: 'write',
  GetItemCommand: 'read',
};

/**
 * A client whose `send` answers every command at once with an empty
 * response: no SDK middleware, no serialization, no signing, no I/O. It
 * counts the commands under the name the port's call has in the other bench
 * ports (`operation` for writes, `read` for reads).
 */
function answeringClient<Client>(counts: CallCounts, operation: string): Client {
  return {
    send: async (command: object) => {
      countCall(counts, OPERATIONS[command.constructor.name] === 'read' ? 'read' : operation);
      return {};
    },
  } as Client;
}

/**
 * The real adapters (DynamoAggregateStore, DynamoClaimStore,
 * DynamoCheckpointStore, S3QuarantineSink) over clients that answer at once.
 * For a diagnostic only: it measures what the adapters themselves cost in the
 * Lambda's CPU (item keys, ISO dates, attribute maps, command objects) with
 * the SDK and the I/O left out. Nothing is stored, so, as with noopPorts,
 * every claim is owned and no checkpoint is read back.
 */
export function answeringAdapterPorts(consumerName: string, dedup: boolean): MemoryPorts {
  const aggregates: CallCounts = {};
  const checkpoints: CallCounts = {};
  const quarantine: CallCounts = {};
  const claims: CallCounts = {};
  const ports: BatchPorts = {
    aggregates: new DynamoAggregateStore(answeringClient<DynamoDBClient>(aggregates, 'apply'), 'aggregates'),
    checkpoints: new DynamoCheckpointStore(answeringClient<DynamoDBClient>(checkpoints, 'advance'), 'checkpoints', consumerName),
    quarantine: new S3QuarantineSink(answeringClient<S3Client>(quarantine, 'put'), 'quarantine', consumerName),
    claims: dedup ? new DynamoClaimStore(answeringClient<DynamoDBClient>(claims, 'claim'), 'checkpoints', consumerName) : undefined,
  };
  return { ports, calls: () => ({ aggregates, checkpoints, quarantine, claims }) };
}
