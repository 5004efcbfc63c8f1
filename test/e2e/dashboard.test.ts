/**
 * The web dashboard on the local stack: `streamtally dashboard` run as a user runs it,
 * its JSON API (answers and refusals), and the page in headless Chromium (Debian's
 * `chromium`, driven by playwright-core) showing the events this test sends. The
 * screenshot is kept in test/e2e/artifacts/dashboard.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetName } from '../../src/cli/targets/Target';
import { Producer } from '../../src/producer';
import { CLI_NODE_ARGS } from '../support/cliFromSources';
import { openTarget, type TargetFixture } from './support/targetFixture';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT_MS = 60_000;

/** Counts per key this test sends, all in one minute: the top keys must come back in this order. */
const SENT: Readonly<Record<string, number>> = { '/pricing': 7, '/docs': 4, '/blog': 2 };
const TOTAL = Object.values(SENT).reduce((sum, count) => sum + count, 0);

describe('streamtally dashboard on the local stack', () => {
  let fixture: TargetFixture;
  let dashboard: ChildProcess | undefined;
  let url: string;
  const type = `dash_${Date.now().toString(36)}`;

  beforeAll(async () => {
    fixture = await openTarget({ target: TargetName.local, stage: 'dev' });
    dashboard = spawn(process.execPath, [...CLI_NODE_ARGS, 'dashboard', '--port', '0', '--json'], {
      cwd: fixture.projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let output = '';
      dashboard!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((text) => text.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      dashboard!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      dashboard!.once('exit', (code) => reject(new Error(`dashboard exited with ${code}: ${output}`)));
    });

    // All events in one minute that is not about to end, so "the current window" holds them all.
    const secondOfMinute = (Date.now() % 60_000) / 1000;
    if (secondOfMinute > 40) await new Promise((resolve) => setTimeout(resolve, (61 - secondOfMinute) * 1000));
    const { kinesis, resources } = fixture.target;
    const producer = new Producer({ streamName: resources.streamName, client: kinesis });
    let n = 0;
    for (const [key, count] of Object.entries(SENT)) {
      for (let i = 0; i < count; i++) await producer.send({ id: `${type}-${n++}`, type, key, ts: Date.now(), value: 2 });
    }
    const report = await producer.close();
    expect(report.failed).toBe(0);
    // One malformed record, for the quarantine counts.
    await kinesis.send(
      new PutRecordsCommand({ StreamName: resources.streamName, Records: [{ Data: Buffer.from('{not json'), PartitionKey: 'bad' }] }),
    );
  }, 300_000);

  afterAll(async () => {
    if (dashboard && dashboard.exitCode === null) {
      const exited = new Promise((resolve) => dashboard!.once('exit', resolve));
      dashboard.kill('SIGTERM');
      await exited;
    }
    await fixture?.close();
  });

  async function api(pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(new URL(pathAndQuery, url));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Polls the API until `done` holds for its answer. */
  async function until(pathAndQuery: string, done: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const { status, body } = await api(pathAndQuery);
      expect(status, JSON.stringify(body)).toBe(200);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`${pathAndQuery} never got there; last answer ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it(
    'answers the top keys of the current window, highest count first, with their sums',
    async () => {
      const body = await until(`api/top?type=${type}&top=5`, (answer) => (answer.rows as unknown[]).length === 3);
      expect((body.rows as { key: string; count: number; sum: number }[]).map(({ key, count, sum }) => ({ key, count, sum }))).toEqual([
        { key: '/pricing', count: 7, sum: 14 },
        { key: '/docs', count: 4, sum: 8 },
        { key: '/blog', count: 2, sum: 4 },
      ]);
    },
    WAIT_MS + 10_000,
  );

  it(
    'lists the type and answers its counts per window',
    async () => {
      await until('api/types', (answer) => (answer.types as string[]).includes(type));
      const body = await until(`api/counts?type=${type}&window=1m&windows=5`, (answer) =>
        (answer.counts as { count: number }[]).some((point) => point.count === TOTAL),
      );
      const counts = body.counts as { windowStart: string; count: number; keys: number }[];
      expect(counts).toHaveLength(5);
      expect(counts.map((point) => point.count).sort((a, b) => b - a)).toEqual([TOTAL, 0, 0, 0, 0]);
      expect(counts.find((point) => point.count === TOTAL)?.keys).toBe(3);
    },
    WAIT_MS + 10_000,
  );

  it(
    'counts the quarantine by reason and reports lag per shard and the alarm states',
    async () => {
      await until('api/quarantine', (answer) => (answer.counts as Record<string, number>).invalid === 1);
      const health = await until('api/health', (answer) =>
        (answer.consumers as { shards: { checkpoint: string | null }[] }[])[0]!.shards.some((shard) => shard.checkpoint !== null),
      );
      const [consumer] = health.consumers as {
        consumer: string;
        shards: { shardId: string; lagRecords: number; sinceLastAppliedMs: number | null }[];
      }[];
      expect(consumer!.consumer).toBe('aggregator');
      expect(consumer!.shards).toHaveLength(2);
      // Alarms come from the local stack's alarm log: a list (possibly empty before the first evaluation), never "unknown".
      expect(Array.isArray(health.alarms)).toBe(true);
    },
    WAIT_MS + 10_000,
  );

  it.each([
    ['api/top', 400, 'parameter "type" is required (e.g. type=page_view)'],
    ['api/top?type=a%23b', 400, 'parameter "type" must be 1-64 characters of A-Z a-z 0-9 _ . : -, got "a#b"'],
    ['api/counts?type=x&window=5x', 400, 'parameter "window" must be a window such as 1m, 1h or 1d, got "5x"'],
    ['api/counts?type=x&windows=0', 400, 'parameter "windows" must be a whole number from 1 to 120, got "0"'],
    ['api/top?type=x&at=yesterday', 400, 'parameter "at" must be an ISO-8601 time such as 2026-11-26T12:00:00Z, got "yesterday"'],
    ['api/top?type=x&limit=3', 400, 'unknown parameter "limit" for /api/top; it takes type, window, top, at'],
    ['api/top?type=x&type=y', 400, 'parameter "type" is given more than once'],
    ['api/nothing', 404, 'no such endpoint /api/nothing; endpoints: /api/types, /api/counts, /api/top, /api/quarantine, /api/health'],
  ])('%s answers %i with one line saying why', async (pathAndQuery, status, error) => {
    const answer = await api(pathAndQuery);
    expect(answer).toEqual({ status, body: { error } });
  });

  it(
    `refuses a top-N deeper than the leaderboards with 400`,
    async () => {
      await until(`api/top?type=${type}`, (answer) => (answer.rows as unknown[]).length === 3);
      expect(await api(`api/top?type=${type}&top=101`)).toEqual({
        status: 400,
        body: { error: 'top: the leaderboards keep the top 100 keys of each window (TOP_KEYS_DEPTH); asked for 101' },
      });
    },
    WAIT_MS + 10_000,
  );

  it('answers only GET', async () => {
    const response = await fetch(new URL('api/types', url), { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: '/api/types answers GET only, got POST' });
  });

  // CI installs chromium (.ci/run), so there it runs or fails; elsewhere it needs `apt-get install chromium`.
  describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)(`in headless Chromium (${CHROMIUM})`, () => {
    let browser: Browser;
    // biome-ignore lint/suspicious/noDuplicateTestHooks: this describe (skipIf) has hooks of its own, apart from the file's
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    });
    // biome-ignore lint/suspicious/noDuplicateTestHooks: as above
    afterAll(async () => browser?.close());

    it(
      'shows the sent events in the chart and the top keys, and is screenshotted',
      async () => {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(new URL('?refresh=1', url).toString());
        const panel = page.locator(`article.type[data-type="${type}"]`);
        await page.locator(`article.type[data-type="${type}"][data-chart-total="${TOTAL}"]`).waitFor({ timeout: WAIT_MS });
        await panel.locator('.top-keys tr[data-key="/blog"]').waitFor({ timeout: WAIT_MS });
        expect(await panel.locator('.top-keys td.key').allTextContents()).toEqual(['/pricing', '/docs', '/blog']);
        // uPlot drew the chart: its canvas is there and has a size.
        const canvas = await panel.locator('.chart canvas').boundingBox();
        expect(canvas?.width ?? 0).toBeGreaterThan(100);
        await page.locator('#quarantine tr[data-reason="invalid"] td.num', { hasText: '1' }).waitFor({ timeout: WAIT_MS });
        await page.locator('#health .shards tbody tr').first().waitFor({ timeout: WAIT_MS });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
        expect(errors).toEqual([]);
      },
      WAIT_MS * 3,
    );
  });
});
