/**
 * `npx tsx bench/stack/profileConsumer.ts [events] [--cdk-out]` (default 20,000): where the local
 * stack's consumer spends its time (BENCHMARKS.md §9). The local runtime runs in this process on a
 * synthesized 2-shard stack (with `--cdk-out`: the project's own `cdk.out`, e.g. after
 * `npx cdk synth -c config=config/demo.json`, so the demo's measures are profiled), with timing
 * HTTP proxies in front of Kinesis (the event source mappings' reads) and DynamoDB (the function's
 * requests); valid events are put in PutRecords of 500 and timed until the last is aggregated.
 * Prints per-operation calls, time and request bytes, split by the kind of item a DynamoDB request
 * addresses (aggregate cell, sketch, leaderboard, ledger...), and the function's own batch time
 * (its EMF BatchProcessingMs). A profile, not a benchmark: the proxies add their own hop to every request.
 */
import http from 'node:http';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startLocalRuntime } from '../../src/local/runtime/startLocalRuntime';
import { SyntheticEvents } from '../../src/synthetic';
import { countAggregated } from '../../src/demo/readTotals';
import { synthesizedAssembly } from '../../test/unit/local/support/synthesizedAssembly';

const stats = new Map<string, { n: number; ms: number; bytes: number }>();

/** What a DynamoDB request addresses, told by its partition key's prefix (core/itemKeys.ts, core/measures.ts). */
function itemKind(body: string): string {
  const pk = /"pk":\{"S":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
  if (pk === undefined) return '';
  if (pk.startsWith('#d#')) return ' sketch';
  if (pk.startsWith('#top#')) return ' leaderboard';
  if (pk.startsWith('checkpoint#')) return ' checkpoint';
  if (pk.startsWith('seen#')) return ' seen-ids';
  if (pk.startsWith('claim#')) return ' claim';
  if (pk.startsWith('dim#')) return ' dimension registry';
  const granularity = pk.split('#')[1];
  return ` cell ${pk.split('#')[0]!.includes('@') ? 'derived' : 'plain'} ${granularity}`;
}
async function timingProxy(upstream: string, label: string): Promise<string> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(Buffer.concat(chunks)));
    const forward = (body: Buffer) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1];
      const op = `${label} ${operation}${label.endsWith('ddb') ? itemKind(body.toString('utf8', 0, 2000)) : ''}`;
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            const s = stats.get(op) ?? { n: 0, ms: 0, bytes: 0 };
            s.n++;
            s.ms += performance.now() - start;
            s.bytes += body.length;
            stats.set(op, s);
          });
        },
      );
      up.end(body);
    };
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const N = Number(args.find((a) => !a.startsWith('--')) ?? 20_000);
  const ownCdkOut = args.includes('--cdk-out');
  if (ownCdkOut && !existsSync('cdk.out')) throw new Error('--cdk-out: no cdk.out here; run npx cdk synth first');
  const assembly = ownCdkOut ? undefined : synthesizedAssembly({ shardCount: 2 }, 'Streamtally-dev');
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-profile-'));
  symlinkSync(assembly ? assembly.assemblyDir : path.resolve('cdk.out'), path.join(root, 'cdk.out'));
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
  // The demo's key count with its own stack; the earlier profile's 200 keys otherwise.
  const events = new SyntheticEvents({ seed: 7, runId: `profile-${Date.now().toString(36)}`, keys: ownCdkOut ? 1000 : 200 });
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
    `put ${N} in ${putS.toFixed(1)} s; all aggregated after ${wall.toFixed(1)} s = ${(N / wall).toFixed(0)} events/s; ${batches} batches, function time ${(batchMs / 1000).toFixed(1)} s (sum over ${ownCdkOut ? "the stack's" : '2'} shards)`,
  );
  for (const [op, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms))
    console.log(
      `${op.padEnd(44)} ${String(s.n).padStart(7)} calls ${(s.ms / 1000).toFixed(1).padStart(7)} s total ${(s.ms / s.n).toFixed(1).padStart(6)} ms each ${(s.n / N).toFixed(2)} per event ${(s.bytes / s.n / 1024).toFixed(1).padStart(5)} KiB each`,
    );
  const calls = [...stats].filter(([op]) => op.startsWith('fn->ddb')).reduce((n, [, s]) => n + s.n, 0);
  console.log(`fn->ddb all: ${calls} calls, ${(calls / N).toFixed(2)} per event`);
  await runtime.stop();
  assembly?.remove();
  process.exit(0);
}

void main();
