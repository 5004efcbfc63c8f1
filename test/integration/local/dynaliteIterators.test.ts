import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// dynalite is patched (patches/dynalite+4.0.0.patch) to close the LevelDB iterator behind every Query and Scan.
// Unpatched, its streams called return(), which abstract-level's iterators do not have, so none was closed: each
// held the memtables and tables it saw, and the emulator's RSS grew with every write after it.
interface Iterator {
  close(): Promise<void>;
}
interface Store {
  db: { values(options: object): Iterator; close(): Promise<void> };
  getItemDb(table: string): {
    put(key: string, value: unknown, callback: (error?: Error) => void): void;
    createValueStream(options: object): Readable;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { create } = require('dynalite/db') as { create: (options: object) => Store };

describe('dynalite range reads', () => {
  let directory: string;
  let store: Store;
  afterEach(async () => {
    await store.db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('close their LevelDB iterator when read to the end and when stopped early', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'dynalite-iterators-'));
    store = create({ path: directory });
    const opened: { closed: boolean }[] = [];
    const values = store.db.values.bind(store.db);
    store.db.values = (options) => {
      const iterator = values(options);
      const state = { closed: false };
      opened.push(state);
      const close = iterator.close.bind(iterator);
      iterator.close = () => {
        state.closed = true;
        return close();
      };
      return iterator;
    };
    const items = store.getItemDb('aggregates');
    for (let n = 0; n < 20; n++) await promisify(items.put)(`k${String(n).padStart(2, '0')}`, { n: { N: String(n) } });

    const all: unknown[] = [];
    for await (const item of items.createValueStream({})) all.push(item);
    expect(all).toHaveLength(20);

    const early = items.createValueStream({});
    for await (const _item of early) break;

    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual([{ closed: true }, { closed: true }]);
  });
});
