import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../lib/config/StreamtallyConfig';
import { isProcessAlive, readLocalState } from '../../src/local/state';
import { CLI_NODE_ARGS } from '../support/cliFromSources';
import { synthesizedAssembly, type SynthesizedAssembly } from '../unit/local/support/synthesizedAssembly';

const CLI = CLI_NODE_ARGS;

function cli(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A project directory whose cdk.out is the synthesized stack. */
function projectWith(assembly: SynthesizedAssembly | undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-project-'));
  if (assembly) symlinkSync(assembly.assemblyDir, path.join(root, 'cdk.out'));
  return root;
}

async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before a line matching ${pattern}; output:\n${output}`));
    });
  });
}

/*
 * Local-only checks: starting and stopping the local stack, and its bad input. What
 * the stack does with events (query, offsets, quarantine) is checked by the suite
 * every target shares, test/e2e/pipeline.test.ts, which CI runs on this target too.
 */
describe('streamtally local up / local down, as a user runs them', () => {
  let assembly: SynthesizedAssembly;
  let project: string;
  let stack: ChildProcess | undefined;

  beforeAll(() => {
    assembly = synthesizedAssembly({ shardCount: 2 }, 'Streamtally-dev');
    project = projectWith(assembly);
  });

  afterAll(() => {
    if (stack?.pid && isProcessAlive(stack.pid)) stack.kill('SIGKILL');
    rmSync(project, { recursive: true, force: true });
    assembly.remove();
  });

  it('prints READY with the state file, which any SDK client can use, and local down leaves no process behind', async () => {
    // Its progress lines go to a file: nothing reads a pipe while the test waits, and a full pipe would stall it.
    const progress = openSync(path.join(project, 'local-up.log'), 'w');
    stack = spawn(process.execPath, [...CLI, 'local', 'up'], { cwd: project, stdio: ['ignore', 'pipe', progress] });
    const ready = await waitForLine(stack, /^READY .+$/m, 120_000);
    expect(ready).toBe(`READY ${path.join(project, '.streamtally', 'local.json')}`);
    const state = readLocalState(project);
    expect(state.stackName).toBe('Streamtally-dev');
    expect(Object.keys(state.endpoints).sort()).toEqual(['dynamodb', 'kinesis', 's3']);

    // The plain AWS SDK, pointed at the state file's endpoint with any credentials, sees the stream with its two shards.
    const kinesis = new KinesisClient({
      endpoint: state.endpoints.kinesis,
      region: state.region,
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
      requestHandler: new NodeHttpHandler(),
    });
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: state.resources.streamName }));
    kinesis.destroy();
    expect(shards.Shards).toHaveLength(2);

    // Stop it as a user would, from another terminal.
    const down = cli(project, ['local', 'down']);
    expect(down.status, down.stderr).toBe(0);
    await new Promise((resolve) => (stack!.exitCode === null ? stack!.once('exit', resolve) : resolve(undefined)));
    for (const pid of [state.pid, ...Object.values(state.emulatorPids)]) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
    expect(cli(project, ['query', '--type', 'page_view']).stderr).toBe(
      'streamtally: no local stack is running; start one with `streamtally local up`\n',
    );
  }, 240_000);
});

describe('streamtally local up --detach', () => {
  it('returns once the stack is READY in the background, and local down stops it', async () => {
    const assembly = synthesizedAssembly({}, 'Streamtally-dev');
    const root = projectWith(assembly);
    try {
      const up = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [...CLI, 'local', 'up', '--detach'], { cwd: root });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.once('exit', (code) => resolve({ code, stdout }));
      });
      expect(up.code).toBe(0);
      expect(up.stdout.trim()).toBe(`READY ${path.join(root, '.streamtally', 'local.json')}`);
      const state = readLocalState(root);
      expect(isProcessAlive(state.pid)).toBe(true);
      const down = cli(root, ['local', 'down']);
      expect(down.status, down.stderr).toBe(0);
      for (const pid of [state.pid, ...Object.values(state.emulatorPids)]) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
      assembly.remove();
    }
  }, 180_000);
});

describe('local up on bad input: one clear line, non-zero exit', () => {
  it('says to synthesize when cdk.out is missing', () => {
    const empty = projectWith(undefined);
    const result = cli(empty, ['local', 'up']);
    rmSync(empty, { recursive: true, force: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^streamtally: .*npx cdk synth/);
  });

  it('names the file when the template is malformed', () => {
    const root = projectWith(undefined);
    mkdirSync(path.join(root, 'cdk.out'));
    writeFileSync(
      path.join(root, 'cdk.out', 'manifest.json'),
      JSON.stringify({
        version: '48.0.0',
        artifacts: {
          'Streamtally-dev': { type: 'aws:cloudformation:stack', properties: { templateFile: 'Streamtally-dev.template.json' } },
        },
      }),
    );
    writeFileSync(path.join(root, 'cdk.out', 'Streamtally-dev.template.json'), '{"Resources": ');
    const result = cli(root, ['local', 'up']);
    rmSync(root, { recursive: true, force: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Streamtally-dev\.template\.json/);
  });

  it('names the port and the flag when a port is taken', async () => {
    const assembly = synthesizedAssembly({}, 'Streamtally-dev');
    const root = projectWith(assembly);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = cli(root, ['local', 'up', '--kinesis-port', String(port)]);
    blocker.close();
    rmSync(root, { recursive: true, force: true });
    assembly.remove();
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`port ${port} is taken (kinesis); choose another with --kinesis-port`);
  }, 120_000);

  it('refuses an unknown flag with the command named', () => {
    const result = cli(tmpdir(), ['query', '--type', 'x', '--fro', '2026-01-01']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^streamtally: query: Unknown option '--fro'/);
  });
});

describe('streamtally demo (npm start)', () => {
  it('runs the synthetic mix through the local stack to a summary where conservation holds, with its measures and a data alert fired', async () => {
    // The stack npm start synthesizes: config/demo.json's measures and alerts.
    const assembly = synthesizedAssembly(readConfigFile(path.resolve(__dirname, '..', '..', 'config', 'demo.json')), 'Streamtally-dev');
    const root = projectWith(assembly);
    try {
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...CLI, 'demo', '--duration', '8', '--rate', '100', '--json'], { cwd: root });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.code, result.stderr).toBe(0);
      // --json sends progress and the live view to stderr (the dashboard's address is among it), and
      // stdout holds the summary alone, one JSON line.
      expect(result.stderr).toMatch(/^dashboard at http:\/\/127\.0\.0\.1:\d+\/$/m);
      expect(result.stderr).toMatch(/^streamtally demo · done · /m);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      const summary = JSON.parse(result.stdout) as {
        generated: Record<string, number>;
        producer: { sent: number; failed: number };
        consumer: { aggregated: number; duplicates: number; quarantined: Record<string, number> };
        conservation: string;
        alarmChanges: string[];
        alerts: { name: string; state: string; alarmed: boolean; meaning: string }[];
        measures: {
          type: string;
          count: number;
          quantiles?: Record<string, number>;
          distinct?: Record<string, number>;
          top?: Record<string, { value: string; count: number }[]>;
        }[];
      };
      expect(summary.conservation).toMatch(/^conservation holds: produced 800 = /);
      expect(summary.producer).toMatchObject({ sent: 800, failed: 0 });
      // The generator's tags are what the consumer must find: each kind of record in its place.
      expect(summary.consumer.duplicates).toBe(summary.generated.duplicate);
      expect(summary.consumer.quarantined).toEqual({
        invalid: summary.generated.malformed,
        late: summary.generated.late,
        future: summary.generated.future,
      });
      expect(summary.consumer.aggregated).toBe(summary.generated.valid);
      // Seed 1's first 800 items hold 7 sensor readings above 29.5 and page views far below 3 s: one alert fires, one stays OK.
      expect(summary.alerts).toEqual([
        expect.objectContaining({ name: 'sensor-hot', alarmed: true, meaning: 'sensor.temp max per 1m above 29.5' }),
        {
          name: 'slow-pages',
          alarmName: 'streamtally-dev-alert-slow-pages',
          state: 'OK',
          alarmed: false,
          meaning: 'page_view p99 per 1m above 3000',
        },
      ]);
      expect(summary.alarmChanges).toContainEqual(expect.stringMatching(/ alarm streamtally-dev-alert-sensor-hot: \w+ -> ALARM$/));
      const pageViews = summary.measures.find((line) => line.type === 'page_view');
      expect(pageViews?.count).toBeGreaterThan(0);
      expect(pageViews?.distinct?.['attrs.user']).toBeGreaterThan(0);
      expect(pageViews?.distinct?.['attrs.user']).toBeLessThanOrEqual(pageViews!.count);
      expect(Object.keys(pageViews?.quantiles ?? {})).toEqual(['p50', 'p90', 'p99']);
      expect(pageViews?.top?.['attrs.country']?.[0]).toEqual({ value: 'US', count: expect.any(Number) });
      expect(summary.measures.map((line) => line.type).sort()).toEqual(['page_view', 'sensor.temp']);
    } finally {
      rmSync(root, { recursive: true, force: true });
      assembly.remove();
    }
  }, 180_000);
});
