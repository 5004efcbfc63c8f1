import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { windowStartMs, aggregatePk, windowSk } from '../../core';
import { readCells } from '../../lambdas/aggregator/store/readCells';
import { readWindowKeys } from '../../src/query/readAggregates';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Events aggregated so far, read from the aggregates themselves: the sum of
 * the counts of every key's 1d window of each type, through the top-N index
 * (one Query per type and day). `sinceMs` to now decides which days.
 */
export async function countAggregated(dynamo: DynamoDBClient, table: string, types: readonly string[], sinceMs: number): Promise<number> {
  let total = 0;
  for (let day = windowStartMs(sinceMs, DAY_MS); day <= Date.now(); day += DAY_MS) {
    for (const type of types) {
      const rows = await readWindowKeys(dynamo, table, { type, granularity: '1d', windowStartMs: day });
      for (const row of rows) total += row.count;
    }
  }
  return total;
}

/** One freshness probe: an event of its own key, so that its 1m item appears exactly when it is aggregated. */
export interface Probe {
  readonly key: string;
  /** Just before the PutRecords carrying it was sent. */
  readonly putAtMs: number;
  /** When PutRecords answered. */
  ackAtMs?: number;
  /** When a read first found its aggregate (the answer's arrival). */
  visibleAtMs?: number;
}

export const PROBE_TYPE = 'probe';

/**
 * Watches probes until their aggregate is visible: every `intervalMs`, one
 * BatchGetItem (strongly consistent) for the 1m cells of the probes not seen
 * yet. A probe's freshness is `visibleAtMs - putAtMs`: from the put to the
 * first read that returned its aggregate, so it includes up to one interval
 * of polling delay.
 */
export class ProbeWatcher {
  readonly probes: Probe[] = [];
  private readonly pending = new Set<Probe>();
  private running = false;
  private loop: Promise<void> | undefined;
  reads = 0;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly intervalMs = 50,
  ) {}

  add(probe: Probe): void {
    this.probes.push(probe);
    this.pending.add(probe);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops once every probe is visible, or at `deadlineMs`. */
  async finish(deadlineMs: number): Promise<void> {
    while (this.pending.size > 0 && Date.now() < deadlineMs) await sleep(this.intervalMs);
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      const batch = [...this.pending].slice(0, 100);
      if (batch.length > 0) {
        // A probe's cell is in its window's page or its own item (core/cellPages.ts).
        const found = await readCells(
          this.dynamo,
          this.table,
          batch.map((probe) => ({
            type: PROBE_TYPE,
            granularity: '1m',
            key: probe.key,
            windowStartMs: windowStartMs(probe.putAtMs, MINUTE_MS),
          })),
          { consistent: true },
        );
        this.reads += 1;
        const now = Date.now();
        for (const probe of batch) {
          if (found.has(`${aggregatePk(PROBE_TYPE, '1m', probe.key)}|${windowSk(windowStartMs(probe.putAtMs, MINUTE_MS))}`)) {
            probe.visibleAtMs = now;
            this.pending.delete(probe);
          }
        }
      }
      const wait = this.intervalMs - (Date.now() - started);
      if (wait > 0) await sleep(wait);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
