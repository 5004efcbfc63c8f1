import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { EmulatorOptions } from './EmulatorOptions';
import { EmulatorName } from './EmulatorName';
import { launchEmulator } from './launchEmulator';
import { localClientConfig } from './localClientConfig';
import type { RunningEmulator } from './RunningEmulator';

/**
 * Starts dynalite as a child process on 127.0.0.1 with its tables in a LevelDB store in
 * `dataDir`, tables ACTIVE as soon as created. Resolves once it answers ListTables.
 * dynalite has no TransactWriteItems, TTL, Streams or PartiQL.
 */
export function startDynamoEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return launchEmulator(
    {
      name: EmulatorName.dynamodb,
      launcher: 'dynamodb.cjs',
      probeName: 'ListTables',
      prepare: async (port, dataDir) => ({ args: [JSON.stringify({ port, host: '127.0.0.1', path: dataDir })], env: {} }),
      probe: (endpoint) => {
        const client = new DynamoDBClient(localClientConfig(endpoint, { maxAttempts: 1, requestTimeoutMs: 2000 }));
        return { send: () => client.send(new ListTablesCommand({})), destroy: () => client.destroy() };
      },
    },
    options,
  );
}
