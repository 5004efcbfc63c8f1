import { appendFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotWatcher } from '../../../../src/local/kinesisJournal/SnapshotWatcher';
import { parseSegment, WriteAheadJournal } from '../../../../src/local/kinesisJournal/WriteAheadJournal';

const directories: string[] = [];
const freshDirectory = () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'streamtally-journal-'));
  directories.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('WriteAheadJournal', () => {
  it('reads back what it wrote, bodies byte for byte (newlines and non-ASCII included)', () => {
    const journal = new WriteAheadJournal({ directory: freshDirectory() });
    const body = '{"Records":[{"Data":"eA==","PartitionKey":"k\\n ü"}]}\n  ';
    const id = journal.appendRequest('PutRecords', body);
    journal.appendResponse(id, 200, '{"Records":[]}');
    journal.appendMoved('shard-0', '1', '2');
    journal.appendSettled(id + 1);
    expect(journal.readAll()).toEqual([
      { kind: 'request', id, atMs: expect.any(Number), operation: 'PutRecords', body },
      { kind: 'response', id, status: 200, body: '{"Records":[]}' },
      { kind: 'moved', shardId: 'shard-0', oldSequenceNumber: '1', newSequenceNumber: '2', body: '' },
      { kind: 'settled', id: id + 1, body: '' },
    ]);
  });

  it('stops at an entry cut short, as a process killed while writing it leaves it', () => {
    const directory = freshDirectory();
    const journal = new WriteAheadJournal({ directory });
    journal.appendRequest('PutRecord', '{"a":1}');
    journal.close();
    const [file] = readdirSync(directory);
    appendFileSync(path.join(directory, file!), '{"kind":"request","id":2,"bytes":100}\n{"partial');
    expect(new WriteAheadJournal({ directory }).readAll()).toHaveLength(1);
    expect(parseSegment(Buffer.from('{"kind":"resp'))).toEqual([]);
  });

  it('continues the ids of the journal it finds, so a restart never reuses one', () => {
    const directory = freshDirectory();
    const first = new WriteAheadJournal({ directory });
    first.appendRequest('PutRecord', '{}');
    const second = first.appendRequest('PutRecord', '{}');
    first.close();
    expect(new WriteAheadJournal({ directory }).appendRequest('PutRecord', '{}')).toBe(second + 1);
  });

  it('begins segments as time passes and drops only closed segments older than the saved point', () => {
    let now = 1_000_000;
    const directory = freshDirectory();
    const journal = new WriteAheadJournal({ directory, segmentMs: 1_000, now: () => now });
    journal.appendRequest('PutRecord', '{"n":1}');
    now += 1_500;
    journal.appendRequest('PutRecord', '{"n":2}');
    now += 1_500;
    journal.rotateIfOld();
    expect(readdirSync(directory)).toHaveLength(2);
    expect(journal.oldestEntryMs()).toBe(1_000_000);
    // Everything stored before 1_002_000 is saved: the first segment (closed at 1_001_500) goes, the second (closed at 1_003_000) stays.
    expect(journal.dropSegmentsClosedBefore(1_002_000)).toBe(1);
    expect(journal.readAll().map((entry) => ('body' in entry ? entry.body : undefined))).toEqual(['{"n":2}']);
    expect(journal.oldestEntryMs()).toBe(1_001_500);
  });
});

describe('SnapshotWatcher', () => {
  it('counts a snapshot once the file stayed the same between two looks, and vouches for the time the one before it finished', () => {
    const file = path.join(freshDirectory(), 'kinesis-data.json');
    const watcher = new SnapshotWatcher(file);
    const write = (content: string, mtimeSeconds: number) => {
      writeFileSync(file, content);
      utimesSync(file, mtimeSeconds, mtimeSeconds);
    };
    watcher.look();
    write('{"a":1}', 100);
    watcher.look();
    expect(watcher.everythingStoredBefore()).toBeUndefined();
    watcher.look(); // unchanged: the snapshot finished at 100 s
    write('{"a":1,"b":2}', 105);
    watcher.look();
    // Mid-write: changed since the last look, not counted yet.
    expect(watcher.everythingStoredBefore()).toBeUndefined();
    watcher.look(); // finished at 105 s: it began after 100 s, so everything stored before 100 s is saved
    expect(watcher.everythingStoredBefore()).toBe(100_000);
    watcher.reset();
    expect(watcher.everythingStoredBefore()).toBeUndefined();
  });
});
