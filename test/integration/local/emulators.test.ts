import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EmulatorError,
  type LocalEmulators,
  localClientConfig,
  localClients,
  startDynamoEmulator,
  startEmulators,
  startKinesisEmulator,
} from '../../../src/local/emulators';
import { startRestartingEmulator } from '../../../src/local/emulators/startRestartingEmulator';
import { isProcessAlive } from '../../../src/local/state';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Polls until none of `pids` is alive; returns the ones still alive after `timeoutMs`. */
async function survivors(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isProcessAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(100);
  }
}

/** The parent of `pid`, from /proc (Linux). */
function parentOf(pid: number): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return undefined;
  return Number(readFileSync(stat, 'utf8').split(') ')[1]?.split(' ')[1]);
}

/** Emulator launchers this process has started and that are still running (Linux). */
function launcherChildren(): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return parentOf(pid) === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launchers');
      } catch {
        return false;
      }
    });
}

describe('the local emulators', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-emulators-'));
  let emulators: LocalEmulators;

  beforeAll(async () => {
    emulators = await startEmulators({ dataDir: path.join(root, 'data') });
  });
  afterAll(async () => {
    await emulators?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('start as child processes on 127.0.0.1 and answer real API calls', async () => {
    // Prepare
    const clients = localClients(emulators.endpoints);
    try {
      // Act
      const [streams, tables, buckets] = await Promise.all([
        clients.kinesis.send(new ListStreamsCommand({})),
        clients.dynamodb.send(new ListTablesCommand({})),
        clients.s3.send(new ListBucketsCommand({})),
      ]);
      // Assess
      expect(streams.StreamNames).toEqual([]);
      expect(tables.TableNames).toEqual([]);
      expect(buckets.Buckets ?? []).toEqual([]);
    } finally {
      for (const client of Object.values(clients)) client.destroy();
    }
    for (const emulator of [emulators.kinesis, emulators.dynamodb, emulators.s3]) {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.pid).not.toBe(process.pid);
      expect(isProcessAlive(emulator.pid)).toBe(true);
      if (existsSync('/proc')) expect(parentOf(emulator.pid)).toBe(process.pid);
      expect(emulator.dataDir).toBe(path.join(root, 'data', emulator.name));
    }
  });

  it('report a port that is taken in one line naming the option to change it', async () => {
    // Prepare: something else listens on the port.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      // Act
      const error = await startKinesisEmulator({ port, dataDir: path.join(root, 'taken') }).catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(EmulatorError);
      expect((error as Error).message).toBe(`port ${port} is taken (kinesis); choose another with --kinesis-port or stop what uses it`);
    } finally {
      blocker.close();
    }
  });

  it('stop the ones that started when another fails to start', async () => {
    // Prepare: the S3 port is taken.
    const before = launcherChildren();
    if (existsSync('/proc')) expect(before.sort()).toEqual([emulators.kinesis.pid, emulators.dynamodb.pid, emulators.s3.pid].sort());
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      // Act
      const error = await startEmulators({ dataDir: path.join(root, 'partial'), ports: { s3: port } }).catch((caught: unknown) => caught);
      // Assess
      expect((error as Error).message).toBe(`port ${port} is taken (s3); choose another with --s3-port or stop what uses it`);
      expect(launcherChildren().sort()).toEqual(before);
    } finally {
      blocker.close();
    }
  });

  it("keep running through a terminal's Ctrl-C, which is the parent's to handle", async () => {
    const deaths: EmulatorError[] = [];
    const stopListening = emulators.onExit((error) => deaths.push(error));
    const pids = [emulators.kinesis.pid, emulators.dynamodb.pid, emulators.s3.pid];
    for (const pid of pids) process.kill(pid, 'SIGINT');
    await sleep(1000);
    stopListening();
    expect(pids.filter(isProcessAlive)).toEqual(pids);
    expect(deaths).toEqual([]);
    const clients = localClients(emulators.endpoints);
    try {
      await expect(clients.kinesis.send(new ListStreamsCommand({}))).resolves.toBeDefined();
    } finally {
      for (const client of Object.values(clients)) client.destroy();
    }
  });

  it('report an emulator that dies mid-run through onExit, in one line', async () => {
    // Prepare
    const dynamodb = await startDynamoEmulator({ dataDir: path.join(root, 'dies') });
    const reported = new Promise<EmulatorError>((resolve) => dynamodb.onExit(resolve));
    // Act: someone kills it.
    process.kill(dynamodb.pid, 'SIGKILL');
    // Assess
    const error = await reported;
    expect(error).toBeInstanceOf(EmulatorError);
    expect(error.emulator).toBe('dynamodb');
    expect(error.message).toMatch(new RegExp(`^dynamodb emulator \\(pid ${dynamodb.pid}\\) exited unexpectedly \\(killed by SIGKILL\\): `));
    expect(error.message).not.toContain('\n');
    await dynamodb.stop();
  });

  it('restart a killed Kinesis emulator on its port and data, and report only a death past the restart limit', async () => {
    // Prepare: a stream with a record in it, behind the restarting wrapper as startEmulators uses it.
    const restarts: number[] = [];
    const lines: string[] = [];
    const deaths: EmulatorError[] = [];
    const dataDir = path.join(root, 'restarting');
    const kinesis = await startRestartingEmulator((port) => startKinesisEmulator({ dataDir, ...(port === undefined ? {} : { port }) }), {
      log: (line) => lines.push(line),
      onRestart: (pid) => restarts.push(pid),
      maxRestarts: 1,
    });
    kinesis.onExit((error) => deaths.push(error));
    const client = new KinesisClient(localClientConfig(kinesis.endpoint));
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'kept', ShardCount: 1 }));
      await sleep(100);
      await client.send(new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'k', Data: Buffer.from('acknowledged') }));
      const firstPid = kinesis.pid;
      // Act: killed once.
      process.kill(firstPid, 'SIGKILL');
      for (let waited = 0; restarts.length === 0 && waited < 20_000; waited += 50) await sleep(50);
      // Assess: back on the same endpoint, with the record; the wrapper's pid is the new one.
      expect(restarts).toHaveLength(1);
      expect(kinesis.pid).toBe(restarts[0]);
      expect(kinesis.pid).not.toBe(firstPid);
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: 'kept', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
      expect(Records.map((record) => Buffer.from(record.Data!).toString())).toEqual(['acknowledged']);
      expect(lines.some((line) => /^kinesis: .*killed by SIGKILL.*restarting it on its data \(restart 1\)$/.test(line))).toBe(true);
      expect(deaths).toEqual([]);
      // Act: killed again, past maxRestarts.
      process.kill(kinesis.pid, 'SIGKILL');
      for (let waited = 0; deaths.length === 0 && waited < 10_000; waited += 50) await sleep(50);
      expect(deaths).toHaveLength(1);
      expect(deaths[0]!.message).toMatch(/^kinesis emulator \(pid \d+\) exited unexpectedly \(killed by SIGKILL\)/);
    } finally {
      client.destroy();
      await kinesis.stop();
    }
  });

  it('refuse a data directory another running emulator holds, in one line with its stderr', async () => {
    const error = await startDynamoEmulator({ dataDir: emulators.dynamodb.dataDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as Error).message).toMatch(
      /^dynamodb emulator exited \(code 1\) before it answered ListTables: .*is in use by another process/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('stop without leaving a process behind, and do not report the stop as a death', async () => {
    // Prepare
    const others = await startEmulators({ dataDir: path.join(root, 'stopped') });
    const pids = [others.kinesis.pid, others.dynamodb.pid, others.s3.pid];
    const deaths: EmulatorError[] = [];
    others.onExit((error) => deaths.push(error));
    // Act
    await others.stop();
    // Assess: gone as soon as stop() resolves.
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('end when the process that started them is killed (no orphans)', async () => {
    // Prepare: a parent that starts the emulators, prints their pids and waits.
    const script = path.join(root, 'parent.ts');
    writeFileSync(
      script,
      [
        `import { startEmulators } from ${JSON.stringify(path.join(PROJECT_ROOT, 'src', 'local', 'emulators', 'index.ts'))};`,
        `startEmulators({ dataDir: ${JSON.stringify(path.join(root, 'orphans'))} }).then((e) => {`,
        '  console.log(JSON.stringify([e.kinesis.pid, e.dynamodb.pid, e.s3.pid]));',
        '  setInterval(() => {}, 1000);',
        '});',
      ].join('\n'),
    );
    const parent: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let output = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((candidate) => candidate.startsWith('['));
        if (line) resolve(JSON.parse(line) as number[]);
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited early (code ${code})`)));
    });
    expect(pids.filter(isProcessAlive)).toHaveLength(3);
    // Act: the parent dies without a chance to clean up.
    parent.kill('SIGKILL');
    // Assess
    expect(await survivors(pids, 10_000)).toEqual([]);
  });
});
