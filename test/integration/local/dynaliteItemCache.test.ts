import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// dynalite is patched (patches/dynalite+4.0.0.patch) to keep the items its writes left in memory, so that the
// read before an update is not a LevelDB get. These check that what a read returns is always what LevelDB would
// return once the writes are done, on the LevelDB store the local stack runs.
type Callback<T = unknown> = (error: Error | null | undefined, value?: T) => void;
interface SubDb {
  put(key: string, value: unknown, callback: Callback): void;
  get(key: string, callback: Callback): void;
  del(key: string, callback: Callback): void;
  batch(operations: { type: 'put' | 'del'; key: string; value?: unknown }[], callback: Callback): void;
}
interface Store {
  db: { get(key: string, callback: Callback): void; put(key: string, value: unknown, callback: Callback): void; close(): Promise<void> };
  getItemDb(table: string): SubDb;
  getIndexDb(type: string, table: string, index: string): SubDb;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { create } = require('dynalite/db') as { create: (options: object) => Store };

describe('dynalite items kept in memory', () => {
  let directory: string;
  let store: Store;
  let databaseGets: string[];

  const open = (options: object = {}) => {
    directory = mkdtempSync(path.join(tmpdir(), 'dynalite-items-'));
    store = create({ path: directory, ...options });
    databaseGets = [];
    const get = store.db.get;
    store.db.get = (key, callback) => {
      databaseGets.push(key);
      get.call(store.db, key, callback);
    };
    const items = store.getItemDb('aggregates');
    return {
      put: promisify(items.put) as (key: string, value: unknown) => Promise<void>,
      get: promisify(items.get) as (key: string) => Promise<unknown>,
      del: promisify(items.del) as (key: string) => Promise<void>,
      batch: promisify(items.batch) as (operations: Parameters<SubDb['batch']>[0]) => Promise<void>,
    };
  };
  afterEach(async () => {
    await store.db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const cell = (count: number) => ({ pk: { S: 'page_view#1m#/home' }, count: { N: String(count) } });

  it('answers the read of an item it wrote without LevelDB, and a caller cannot change what it keeps', async () => {
    const items = open();
    await items.put('a', cell(1));
    await items.put('a', cell(2));
    const read = (await items.get('a')) as ReturnType<typeof cell>;
    expect(read).toEqual(cell(2));
    read.count.N = '999';
    expect(await items.get('a')).toEqual(cell(2));
    expect(databaseGets).toEqual([]);
  });

  it('reads LevelDB for an item it has not written, and for one deleted', async () => {
    const items = open();
    await items.put('a', cell(1));
    await items.del('a');
    expect(await items.get('a')).toBeUndefined();
    expect(await items.get('b')).toBeUndefined();
    expect(databaseGets).toHaveLength(2);
  });

  it('forgets a write that failed, so a read returns what LevelDB holds', async () => {
    const items = open();
    await items.put('a', cell(1));
    const put = store.db.put;
    store.db.put = (_key, _value, callback) => setImmediate(callback, new Error('disk full'));
    await expect(items.put('a', cell(2))).rejects.toThrow('disk full');
    store.db.put = put;
    expect(await items.get('a')).toEqual(cell(1));
    expect(databaseGets).toHaveLength(1);
  });

  it('keeps batches of puts and deletes as LevelDB applies them', async () => {
    const items = open();
    await items.put('a', cell(1));
    await items.batch([
      { type: 'put', key: 'b', value: cell(2) },
      { type: 'del', key: 'a' },
    ]);
    expect(await items.get('b')).toEqual(cell(2));
    expect(await items.get('a')).toBeUndefined();
    expect(databaseGets).toHaveLength(1);
  });

  it('holds at most its byte budget, the least recently used going first', async () => {
    const items = open({ itemCacheBytes: 2 * JSON.stringify(cell(1)).length });
    await items.put('a', cell(1));
    await items.put('b', cell(2));
    await items.get('a');
    await items.put('c', cell(3));
    expect(await items.get('a')).toEqual(cell(1));
    expect(await items.get('c')).toEqual(cell(3));
    expect(databaseGets).toEqual([]);
    expect(await items.get('b')).toEqual(cell(2));
    expect(databaseGets).toHaveLength(1);
  });

  it('shares one budget among the tables, each table with its own items', async () => {
    open({ itemCacheBytes: 2 * JSON.stringify(cell(1)).length });
    const table = (name: string) => {
      const items = store.getItemDb(name);
      return { put: promisify(items.put), get: promisify(items.get) as (key: string) => Promise<unknown> };
    };
    const [aggregates, checkpoints] = [table('aggregates'), table('checkpoints')];
    await aggregates.put('a', cell(1));
    await checkpoints.put('a', cell(2));
    expect(await aggregates.get('a')).toEqual(cell(1));
    expect(await checkpoints.get('a')).toEqual(cell(2));
    expect(databaseGets).toEqual([]);
    await checkpoints.put('b', cell(3));
    expect(await checkpoints.get('a')).toEqual(cell(2));
    expect(await checkpoints.get('b')).toEqual(cell(3));
    expect(databaseGets).toEqual([]);
    expect(await aggregates.get('a')).toEqual(cell(1));
    expect(databaseGets).toHaveLength(1);
  });

  it('keeps no index entries', async () => {
    open();
    const index = store.getIndexDb('Global', 'aggregates', 'byWindow');
    await promisify(index.put)('w#a', { pk: { S: 'a' } });
    expect(await promisify(index.get)('w#a')).toEqual({ pk: { S: 'a' } });
    expect(databaseGets).toHaveLength(1);
  });
});
