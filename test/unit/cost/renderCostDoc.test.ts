import { describe, expect, it } from 'vitest';
import type { BilledFigures } from '../../../bench/cost/billedFigures';
import type { CostResult, CostRun, PowertoolsCostRun } from '../../../bench/cost/measureCost';
import { renderCostDoc } from '../../../bench/cost/renderCostDoc';

const figures = (writeUnitsPerEvent: number, readUnitsPerEvent: number): BilledFigures => ({
  events: 1_000,
  writeUnits: writeUnitsPerEvent * 1_000,
  readUnits: readUnitsPerEvent * 1_000,
  writeUnitsPerEvent,
  writeUnitsPerEventBy: {},
  readUnitsPerEvent,
  readUnitsPerEventBy: {},
  hottestPartitionWriteUnitsPerSecond: 0,
  hottestPartitionBy: {},
});
const run = (writeUnitsPerEvent: number): CostRun => ({
  ...figures(writeUnitsPerEvent, 0),
  counted: 0,
  duplicates: 0,
  quarantined: 0,
  batches: 0,
  wallSeconds: 0,
});
const powertools = (writeUnitsPerEvent: number): PowertoolsCostRun => ({
  ...figures(writeUnitsPerEvent, 0),
  counted: 0,
  rejected: 0,
  wallSeconds: 0,
});

describe('renderCostDoc', () => {
  it('prices billed units per event at each rate for a 30-day month', () => {
    // Prepare: zipf, 1 shard, dedup on bills 2 write units per event.
    const pair = { on: run(2), off: run(1) };
    const result: CostResult = {
      eventsPerRun: 1_000,
      batchSize: 500,
      producerRetryRate: 0.01,
      runs: { hot: { '1': pair }, zipf: { '1': pair }, tail: { '1': pair } },
      powertools: { hot: powertools(5), zipf: powertools(5), tail: powertools(5) },
      ratioToPowertools: {
        headline: 0.4,
        hot: { '1': { on: 0.4, off: 0.2 } },
        zipf: { '1': { on: 0.4, off: 0.2 } },
        tail: { '1': { on: 0.4, off: 0.2 } },
      },
      perKeyLayout: { hot: { '1': run(4) }, zipf: { '1': run(4) }, tail: { '1': run(4) } },
      ratioToPerKeyLayout: { hot: { '1': 0.5 }, zipf: { '1': 0.5 }, tail: { '1': 0.5 } },
      batchSizeSweep: {
        eventsPerRun: 20_000,
        warmupRecords: 5_000,
        runs: { hot: { '500': run(0.5), '10000': run(0.1) }, zipf: { '10000': run(1), '500': run(3) } },
      },
      measures: {
        eventsPerRun: 1_000,
        declaration: 'every type: distinct attrs.user',
        plain: run(2),
        declared: run(3),
        addedWriteUnitsPerEvent: 1,
        addedReadUnitsPerEvent: 0,
        steady: { warmupRecords: 250, plain: run(1), declared: run(1.5), addedWriteUnitsPerEvent: 0.5, addedReadUnitsPerEvent: 0 },
      },
    };
    // Act
    const doc = renderCostDoc(result, '2026-12-02T00:00:00.000Z', { batchSize: 500, maxBatchingWindowSeconds: 1, alarms: 20 });
    // Assess: 2 units × 100 events/s × 2,592,000 s × $0.625 per million = $324; × 10 and × 100 at the other rates.
    expect(doc).toContain('| streamtally, zipf, 1 shard(s), dedup on | 2.000 | 0.000 | $324 | $3,240 | $32,400 |');
    expect(doc).toContain('| Powertools way, zipf | 5.000 | 0.000 | $810 | $8,100 | $81,000 |');
    // The layout before cell pages, from the same run: 4 units per event, and the ratio to it.
    expect(doc).toContain('priced in the same run: hot 1 shard(s) 0.500×, zipf 1 shard(s) 0.500×, tail 1 shard(s) 0.500×.');
    // Short runs beside the steady state at the default batch size (the sweep's batch 500).
    expect(doc).toContain('at batch 500, hot 0.500 write units per event, zipf 3.000 write units per event.');
    expect(doc).toContain(
      '| per-key items only (before cell pages), zipf, 1 shard(s), dedup on | 4.000 | 0.000 | $648 | $6,480 | $64,800 |',
    );
    expect(doc).toContain('not found');
    // The measures: 3 units per event with them, 2 without, priced alike.
    expect(doc).toContain('| measures declared | 3.000 | 0.000 | $486 | $4,860 | $48,600 |');
    expect(doc).toContain('The measures add 1.000 write units');
    expect(doc).toContain('| measures declared, steady state | 1.500 | 0.000 | $243 | $2,430 | $24,300 |');
    // The sweep: batch sizes in numeric order, the window each needs at 1,000 records/s, each workload's units and month.
    expect(doc).toContain('| 500 | 0.5 s | 0.500 | $810 | 3.000 | $4,860 |');
    expect(doc).toContain('| 10,000 | 10.0 s | 0.100 | $162 | 1.000 | $1,620 |');
    expect(doc.indexOf('| 500 | 0.5 s')).toBeLessThan(doc.indexOf('| 10,000 | 10.0 s'));
    // Lambda: 4 shards each invoked once a second (their 25 and 250 records/s fill no batch of 500 within the 1 s window)
    // = 10.368 million requests × $0.20 per million; 10,000 events/s needs 10 shards of 1,000/s, each 2 batches a second.
    // CloudWatch: 20 alarms × $0.10.
    expect(doc).toContain('| 100 events/s | 4 | 10.4 million | $2.07 | not estimated | 20 | $2.00 |');
    expect(doc).toContain('| 1,000 events/s | 4 | 10.4 million | $2.07 | not estimated | 20 | $2.00 |');
    expect(doc).toContain('| 10,000 events/s | 10 | 51.8 million | $10 | not estimated | 20 | $2.00 |');
  });
});
