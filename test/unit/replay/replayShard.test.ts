import { describe, expect, it } from 'vitest';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { parseGranularities, type ItemDelta, type StreamRecord } from '../../../core';
import type { BatchPorts } from '../../../lambdas/aggregator/processBatch';
import { ClaimOutcome, type Checkpoint } from '../../../lambdas/aggregator/store/ports';
import type { ShardPage } from '../../../src/replay/readShardPages';
import { replayShard } from '../../../src/replay/replayShard';
import { ReplayWriteError } from '../../../src/replay/errors';

const T = Date.parse('2026-11-26T12:00:00.000Z');
const SHARD = 'shardId-000000000000';
const config: AggregatorConfig = {
  granularities: parseGranularities('1m:7d'),
  allowedLatenessMs: 3_600_000,
  maxClockSkewMs: 300_000,
  consumerName: 'replay:test',
  dedupProducerIds: true,
  dedupRetentionMs: 7 * 86_400_000,
  parallelizationFactor: 1,
  maxRecordBytes: 1_048_576,
  writeConcurrency: 4,
};

function record(index: number, id = `e${index}`): StreamRecord {
  return {
    shardId: SHARD,
    sequenceNumber: String(1000 + index),
    partitionKey: '/a',
    arrivalMs: T + index,
    data: Buffer.from(JSON.stringify({ id, type: 'page_view', key: '/a', ts: new Date(T + index).toISOString() })),
  };
}

/** Ports in memory that honour high-water marks and checkpoints, and fail the aggregate writes they are told to. */
function memoryPorts(failApplies: number) {
  let failuresLeft = failApplies;
  const items = new Map<string, { count: number; mark: string }>();
  let checkpoint: Checkpoint | undefined;
  const owners = new Map<string, string>();
  const ports: BatchPorts = {
    aggregates: {
      apply: async (delta: ItemDelta) => {
        if (failuresLeft-- > 0) throw new Error('throttled');
        const id = `${delta.address.granularity}|${delta.address.windowStartMs}|${delta.address.key}`;
        const item = items.get(id) ?? { count: 0, mark: '' };
        const pending = delta.contributions.filter((contribution) => contribution.paddedSequence > item.mark);
        if (pending.length === 0) return;
        items.set(id, { count: item.count + pending.length, mark: pending[pending.length - 1]!.paddedSequence });
      },
    },
    checkpoints: {
      read: async () => checkpoint,
      advance: async (next) => {
        if (!checkpoint || checkpoint.paddedSequence < next.paddedSequence) checkpoint = next;
      },
    },
    quarantine: { put: async () => undefined },
    claims: {
      claim: async (id, owner) => {
        const current = owners.get(id);
        if (current === undefined) owners.set(id, owner);
        return current === undefined || current === owner ? ClaimOutcome.owned : ClaimOutcome.taken;
      },
      ownerOf: async (id) => owners.get(id),
    },
  };
  return { ports, items, checkpoint: () => checkpoint };
}

async function* pages(...list: ShardPage[]): AsyncGenerator<ShardPage> {
  for (const page of list) yield page;
}

describe('replayShard', () => {
  it('applies each page through processBatch exactly once, retrying a failed page from the record Lambda would re-deliver', async () => {
    // Prepare: two pages (one with a producer retry), the first aggregate write throttled.
    const memory = memoryPorts(1);
    const seen: number[] = [];

    // Act
    const outcome = await replayShard(
      pages({ records: [record(0), record(1), record(2, 'e0')] }, { records: [record(3), record(4)], stoppedBy: 'to' }),
      {
        shardId: SHARD,
        ports: memory.ports,
        config,
        retryDelayMs: 1,
        onPage: (page) => void seen.push(page.counts.records),
      },
    );

    // Assess
    expect(outcome).toEqual({
      stoppedBy: 'to',
      counts: { records: 5, aggregated: 4, duplicates: 1, quarantined: { invalid: 0, late: 0, future: 0 } },
    });
    expect(seen).toEqual([3, 5]);
    expect([...memory.items.values()].map((item) => item.count)).toEqual([4]);
    expect(memory.checkpoint()?.paddedSequence.endsWith('1004')).toBe(true);
  });

  it('stops after the page in hand when interrupted, without a stopping reason', async () => {
    const memory = memoryPorts(0);
    const interrupt = new AbortController();
    const outcome = await replayShard(pages({ records: [record(0)] }, { records: [record(1)] }, { records: [], stoppedBy: 'tip' }), {
      shardId: SHARD,
      ports: memory.ports,
      config,
      signal: interrupt.signal,
      onPage: () => interrupt.abort(),
    });
    expect(outcome.stoppedBy).toBeUndefined();
    expect(outcome.counts.records).toBe(1);
  });

  it('gives up with a ReplayWriteError when a page keeps failing', async () => {
    const memory = memoryPorts(100);
    await expect(
      replayShard(pages({ records: [record(0)] }), { shardId: SHARD, ports: memory.ports, config, retryDelayMs: 1, maxAttempts: 3 }),
    ).rejects.toThrow(ReplayWriteError);
  });
});
