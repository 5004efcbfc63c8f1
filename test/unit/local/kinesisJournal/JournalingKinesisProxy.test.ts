import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalingKinesisProxy } from '../../../../src/local/kinesisJournal/JournalingKinesisProxy';
import { WriteAheadJournal } from '../../../../src/local/kinesisJournal/WriteAheadJournal';

/**
 * The front's handling of readers positioned at records the emulator no longer holds,
 * against a stand-in for kinesis-mock that answers as it does (a GetRecords whose
 * iterator names a missing record fails with ResourceNotFoundException). The real
 * emulator's restarts are in test/integration/local/journaledKinesis.test.ts.
 */
type Handler = (operation: string, input: Record<string, unknown>) => { status: number; body: Record<string, unknown> };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standIn(handler: Handler): Promise<{ endpoint: string; calls: [string, Record<string, unknown>][] }> {
  const calls: [string, Record<string, unknown>][] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target']).split('.')[1]!;
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push([operation, input]);
      const { status, body } = handler(operation, input);
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls };
}

async function front(upstream: string): Promise<JournalingKinesisProxy> {
  const directory = mkdtempSync(path.join(tmpdir(), 'streamtally-front-'));
  const journal = new WriteAheadJournal({ directory });
  const proxy = await JournalingKinesisProxy.start({ upstream, journal });
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  cleanups.push(() => journal.close());
  cleanups.push(() => proxy.close());
  return proxy;
}

async function call(endpoint: string, operation: string, input: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': `Kinesis_20131202.${operation}`, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(input) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const notFound = { status: 400, body: { __type: 'ResourceNotFoundException', message: 'Record for provided SequenceNumber not found' } };
const records = (...sequenceNumbers: string[]) => sequenceNumbers.map((SequenceNumber) => ({ SequenceNumber, Data: 'eA==', PartitionKey: 'k' }));

describe('JournalingKinesisProxy', () => {
  it('sends a reader whose record was lost and never acknowledged on from the first record after it', async () => {
    const upstream = await standIn((operation, input) => {
      if (operation === 'GetShardIterator') return { status: 200, body: { ShardIterator: `it-${String(input.ShardIteratorType)}-${String(input.StartingSequenceNumber ?? '')}` } };
      if (operation === 'GetRecords' && input.ShardIterator === 'it-AFTER_SEQUENCE_NUMBER-10') return notFound; // record 10 is gone
      // An empty journal: the scan starts at the shard's beginning.
      if (operation === 'GetRecords' && input.ShardIterator === 'it-TRIM_HORIZON-') return { status: 200, body: { Records: records('5', '12', '13'), NextShardIterator: 'it-end', MillisBehindLatest: 0 } };
      if (operation === 'GetRecords' && input.ShardIterator === 'it-AT_SEQUENCE_NUMBER-12') return { status: 200, body: { Records: records('12', '13'), NextShardIterator: 'it-after-13', MillisBehindLatest: 0 } };
      return { status: 500, body: { __type: 'InternalFailure', message: `unexpected ${operation} ${JSON.stringify(input)}` } };
    });
    const proxy = await front(upstream.endpoint);
    const iterator = await call(proxy.endpoint, 'GetShardIterator', { StreamName: 's', ShardId: 'shardId-0', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '10' });
    const page = await call(proxy.endpoint, 'GetRecords', { ShardIterator: iterator.body.ShardIterator });
    expect(page.status).toBe(200);
    expect((page.body.Records as { SequenceNumber: string }[]).map((record) => record.SequenceNumber)).toEqual(['12', '13']);
  });

  it('sends a reader at a record the restore moved to its new place, by GetShardIterator and by an iterator it holds', async () => {
    const upstream = await standIn((operation, input) => {
      if (operation === 'GetShardIterator') return { status: 200, body: { ShardIterator: `it-${String(input.ShardIteratorType)}-${String(input.StartingSequenceNumber ?? '')}` } };
      if (operation === 'GetRecords' && input.ShardIterator === 'it-AFTER_SEQUENCE_NUMBER-10') return notFound;
      if (operation === 'GetRecords' && input.ShardIterator === 'it-AFTER_SEQUENCE_NUMBER-11') return { status: 200, body: { Records: records('20'), NextShardIterator: 'it-after-20', MillisBehindLatest: 0 } };
      return { status: 500, body: { __type: 'InternalFailure', message: `unexpected ${operation} ${JSON.stringify(input)}` } };
    });
    const proxy = await front(upstream.endpoint);
    // An iterator handed out before the emulator died, at record 10.
    const held = await call(proxy.endpoint, 'GetShardIterator', { StreamName: 's', ShardId: 'shardId-0', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '10' });
    proxy.pause();
    proxy.resume(new Map(), new Map([['shardId-0 10', '11']]));
    const page = await call(proxy.endpoint, 'GetRecords', { ShardIterator: held.body.ShardIterator });
    expect((page.body.Records as { SequenceNumber: string }[]).map((record) => record.SequenceNumber)).toEqual(['20']);
    const fresh = await call(proxy.endpoint, 'GetShardIterator', { StreamName: 's', ShardId: 'shardId-0', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '10' });
    expect(fresh.body.ShardIterator).toBe('it-AFTER_SEQUENCE_NUMBER-11');
    // The scan for a record beyond is not needed when the move is known.
    expect(upstream.calls.some(([operation, input]) => operation === 'GetShardIterator' && input.ShardIteratorType === 'AT_TIMESTAMP')).toBe(false);
  });

  it('passes on a not-found for an iterator it never handed out', async () => {
    const upstream = await standIn(() => notFound);
    const proxy = await front(upstream.endpoint);
    const page = await call(proxy.endpoint, 'GetRecords', { ShardIterator: 'from-elsewhere' });
    expect(page).toEqual(notFound);
  });

  it('holds requests while paused and lets them go on resume', async () => {
    const upstream = await standIn(() => ({ status: 200, body: { StreamNames: ['s'] } }));
    const proxy = await front(upstream.endpoint);
    proxy.pause();
    let answered = false;
    const pending = call(proxy.endpoint, 'ListStreams', {}).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    proxy.resume(new Map(), new Map());
    expect((await pending).body).toEqual({ StreamNames: ['s'] });
  });
});
