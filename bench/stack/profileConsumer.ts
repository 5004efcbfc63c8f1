/**
 * `npx tsx bench/stack/profileConsumer.ts [events]` (default 20,000): where the local stack's
 * consumer spends its time (BENCHMARKS.md §9). The local runtime runs in this process on a
 * synthesized 2-shard stack, with timing HTTP proxies in front of Kinesis (the event source
 * mappings' reads) and DynamoDB (the function's requests); valid events are put in PutRecords of
 * 500 and timed until the last is aggregated. Prints per-operation calls and time, and the
 * function's own batch time (its EMF BatchProcessingMs). A profile, not a benchmark: the proxies
 * add their own hop to every request.
 */
import http from 'node:http';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startLocalRuntime } from '../../src/local/runtime/startLocalRuntime';
import { SyntheticEvents } from '../../src/synthetic';
import { countAggregated } from '../../src/demo/readTotals';
import { synthesizedAssembly } from '../../test/unit/local/support/synthesizedAssembly';

const stats = new Map<string, { n: number; ms: number }>();
async function timingProxy(upstream: string, label: string): Promise<string> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const op = `${label} ${String(req.headers['x-amz-target'] ?? '').split('.')[1]}`;
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          const s = stats.get(op) ?? { n: 0, ms: 0 };
          s.n++;
          s.ms += performance.now() - start;
          stats.set(op, s);
        });
      },
    );
    req.pipe(up);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function main(): Promise<void> {
  const N = Number(process.argv[2] ?? 20_000);
  const assembly = synthesizedAssembly({ shardCount: 2 }, 'Streamtally-dev');
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-profile-'));
  symlinkSync(assembly.assemblyDir, path.join(root, 'cdk.out'));
  let batchMs = 0,
    batches = 0;
  const runtime = await startLocalRuntime({
    projectRoot: root,
    log: () => {},
    alarmIntervalMs: 0,
    functionLog: (_f, line) => {
      const m = /"BatchProcessingMs":(\d+)/.exec(line);
      if (m) {
        batchMs += Number(m[1]);
        batches++;
      }
    },
    functionEndpoints: async (e) => ({ ...e, dynamodb: await timingProxy(e.dynamodb, 'fn->ddb') }),
    mappingEndpoints: async (e) => ({ ...e, kinesis: await timingProxy(e.kinesis, 'esm->kinesis') }),
  });
  const { streamName, aggregatesTable } = runtime.state.resources;
  const events = new SyntheticEvents({ seed: 7, runId: `profile-${Date.now().toString(36)}`, keys: 200 });
  const t0 = performance.now();
  for (let sent = 0; sent < N; sent += 500) {
    const Records = Array.from({ length: 500 }, () => {
      const i = events.next(Date.now());
      if (i.kind !== 'event') throw new Error('only valid events');
      return { Data: Buffer.from(JSON.stringify(i.event)), PartitionKey: i.event.key };
    });
    await runtime.clients.kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
  }
  const putS = (performance.now() - t0) / 1000;
  for (;;) {
    if ((await countAggregated(runtime.clients.dynamodb, aggregatesTable, '1d')) >= N) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `put ${N} in ${putS.toFixed(1)} s; all aggregated after ${wall.toFixed(1)} s = ${(N / wall).toFixed(0)} events/s; ${batches} batches, function time ${(batchMs / 1000).toFixed(1)} s (sum over 2 shards)`,
  );
  for (const [op, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms))
    console.log(
      `${op.padEnd(36)} ${String(s.n).padStart(7)} calls ${(s.ms / 1000).toFixed(1).padStart(7)} s total ${(s.ms / s.n).toFixed(1).padStart(6)} ms each ${(s.n / N).toFixed(2)} per event`,
    );
  await runtime.stop();
  assembly.remove();
  process.exit(0);
}

void main();
