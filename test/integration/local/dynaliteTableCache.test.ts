import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// dynalite is patched (patches/dynalite+4.0.0.patch) to keep table descriptions in memory. A description read while
// a write of it is in flight must not be kept: that read can see the old description (on LevelDB a get issued after
// a put can run before it), and a table kept as CREATING never becomes ACTIVE to its callers. The database's put is
// held back here so that the read lands inside the write, every time.
interface DynaliteStore {
  db: { put: (key: string, value: unknown, callback: (error?: Error) => void) => void; close(): Promise<void> };
  tableDb: { put: (key: string, value: unknown, callback: (error?: Error) => void) => void };
  getTable: (name: string, checkStatus: boolean, callback: (error: Error | null, table?: { TableStatus: string }) => void) => void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { create } = require('dynalite/db') as { create: (options: object) => DynaliteStore };

describe('dynalite table descriptions kept in memory', () => {
  let store: DynaliteStore;
  afterEach(() => store.db.close());

  const description = (TableStatus: string) => ({
    TableName: 'orders',
    TableStatus,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });

  it('is not kept from a read that ran while the description was being written', async () => {
    store = create({});
    const putTable = promisify(store.tableDb.put);
    const getTable = promisify((callback: (error: Error | null, table?: { TableStatus: string }) => void) =>
      store.getTable('orders', false, callback),
    );
    await putTable('orders', description('CREATING'));
    expect((await getTable())?.TableStatus).toBe('CREATING');

    const databasePut = store.db.put;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    store.db.put = (key, value, callback) => void held.then(() => databasePut.call(store.db, key, value, callback));
    const written = putTable('orders', description('ACTIVE'));
    expect((await getTable())?.TableStatus).toBe('CREATING');
    release();
    await written;

    expect((await getTable())?.TableStatus).toBe('ACTIVE');
    expect((await getTable())?.TableStatus).toBe('ACTIVE');
  });

  it('serves a description written before from memory and a changed one afresh', async () => {
    store = create({});
    const putTable = promisify(store.tableDb.put);
    const getTable = promisify((callback: (error: Error | null, table?: { TableStatus: string }) => void) =>
      store.getTable('orders', false, callback),
    );
    await putTable('orders', description('ACTIVE'));
    const first = await getTable();
    first!.TableStatus = 'changed by a caller';
    expect((await getTable())?.TableStatus).toBe('ACTIVE');
    await putTable('orders', description('DELETING'));
    expect((await getTable())?.TableStatus).toBe('DELETING');
  });
});
