import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from '../../lambdas/shared/mapWithConcurrency';
import { parseGranularities } from '../../core';
import { completeWindows, hasCompleteWindow, type CompleteWindows } from '../replay/completeWindows';
import type { ReplayManifest } from '../replay/ReplayManifest';
import { ReplayStateStore } from '../replay/ReplayStateStore';
import { shadowTableName } from '../replay/shadowNames';
import { describeTable } from '../replay/shadowTable';
import { itemId } from './AggregateItem';
import { compareAggregates, DriftKind, type Drift } from './compareAggregates';
import { judgeWindow, reconcileScope, scopeWindowStarts, type ReconcileScope } from './reconcileScope';
import { repairItem, RepairOutcome } from './repairItem';
import { repairPageWindow } from './repairPage';
import { scanAggregateItems } from './scanAggregateItems';
import { ReconcileRefusal } from '../replay/errors';

/** The live table to compare, and the client to reach it. */
export interface ReconcileTarget {
  readonly dynamo: DynamoDBClient;
  readonly aggregatesTable: string;
}

/** What to reconcile. */
export interface ReconcileRequest {
  readonly shadow: string;
  /** Only windows starting at or after this (epoch ms). */
  readonly fromMs?: number;
  /** Only windows starting at or before this (epoch ms). */
  readonly toMs?: number;
  /** Replace the live values of drifted items with the replay's. */
  readonly repair?: boolean;
  /** Called with the drift found, before any repair is written (with `repair`). */
  readonly beforeRepair?: (drift: readonly Drift[]) => Promise<void> | void;
  /** Repairs in flight at once. @default 8 */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What reconcile found, and did. */
export interface ReconcileResult {
  readonly shadowTable: string;
  readonly manifest: ReplayManifest;
  readonly complete: CompleteWindows;
  readonly scope: ReconcileScope;
  /** Items compared. */
  readonly compared: number;
  /** Items past their TTL, left alone. */
  readonly expired: number;
  readonly drift: readonly Drift[];
  /** With `repair`: the outcome per drifted item, by `pk|sk`. */
  readonly repairs?: ReadonlyMap<string, RepairOutcome>;
}

/**
 * Compares a finished replay's shadow aggregates with the live ones over the
 * windows the replay recomputed completely (see completeWindows), and with
 * `repair` replaces each drifted live item with the replay's value, one
 * conditional write per item (repairItem), or per window for the cells of a
 * cell page (repairPage). Only drifted items are written;
 * the shadow is only read.
 */
export async function runReconcile(target: ReconcileTarget, request: ReconcileRequest): Promise<ReconcileResult> {
  const now = request.now ?? Date.now;
  const shadowTable = shadowTableName(target.aggregatesTable, request.shadow);
  if (!(await describeTable(target.dynamo, shadowTable))) {
    throw new ReconcileRefusal(
      `there is no shadow "${request.shadow}" (table ${shadowTable}); run \`streamtally replay --shadow ${request.shadow} --from ...\` first`,
    );
  }
  const state = new ReplayStateStore(target.dynamo, shadowTable);
  const manifest = await state.readManifest();
  if (!manifest || manifest.completedMs === undefined) {
    throw new ReconcileRefusal(
      `the replay into shadow "${request.shadow}" has not finished; run the same \`streamtally replay\` again to resume it`,
    );
  }
  const shards = [...(await state.readShards()).values()];
  const bounds = completeWindows(manifest, shards);
  // A range narrower than a window holds none: report it as none.
  const smallestWindowMs = parseGranularities(manifest.settings.windows)[0]!.sizeMs;
  const complete = hasCompleteWindow(bounds, smallestWindowMs) ? bounds : { ...bounds, untilMs: -Infinity };
  const scope = reconcileScope(complete, manifest.settings.windows, now(), { fromMs: request.fromMs, toMs: request.toMs });
  const starts = scopeWindowStarts(scope);
  const [live, shadow] = starts
    ? await Promise.all([
        scanAggregateItems(target.dynamo, target.aggregatesTable, starts),
        scanAggregateItems(target.dynamo, shadowTable, starts),
      ])
    : [[], []];
  const comparison = compareAggregates(live, shadow, (item) => judgeWindow(scope, item.granularity, item.windowStartMs));
  const result: ReconcileResult = { shadowTable, manifest, complete, scope, ...comparison };
  if (!request.repair || comparison.drift.length === 0) return result;

  await request.beforeRepair?.(comparison.drift);
  const replayedUpTo = new Map<string, string>();
  for (const shard of shards) if (shard.lastPaddedSequence !== undefined) replayedUpTo.set(shard.shardId, shard.lastPaddedSequence);
  const context = { dynamo: target.dynamo, liveTable: target.aggregatesTable, replayedUpTo };
  // A window's page cells, and the cells it lacks, are repaired together with its page (repairPage.ts); the rest item by item.
  const byWindow = new Map<string, Drift[]>();
  const alone: Drift[] = [];
  for (const drift of comparison.drift) {
    if (drift.live?.page === undefined && drift.kind !== DriftKind.missing) {
      alone.push(drift);
      continue;
    }
    const window = `${drift.type}\u0000${drift.granularity}\u0000${drift.windowStart}`;
    let group = byWindow.get(window);
    if (group === undefined) byWindow.set(window, (group = []));
    group.push(drift);
  }
  const tasks: (() => Promise<[Drift, RepairOutcome][]>)[] = [
    ...alone.map((drift) => async (): Promise<[Drift, RepairOutcome][]> => [[drift, await repairItem(context, drift)]]),
    ...[...byWindow.values()].map((drifts) => async () => [...(await repairPageWindow(context, drifts))]),
  ];
  const settled = await mapWithConcurrency(tasks, request.concurrency ?? 8, (task) => task());
  // Each repair stands alone: one that failed (an unreachable table) does not undo the others, but is reported.
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  const outcomes = new Map(settled.flatMap((outcome) => (outcome as PromiseFulfilledResult<[Drift, RepairOutcome][]>).value));
  return { ...result, repairs: new Map(comparison.drift.map((drift) => [itemId(drift), outcomes.get(drift)!])) };
}

/** Drifted items that are still drifted after this run: all of them without repair, else those not repaired. */
export function remainingDrift(result: ReconcileResult): Drift[] {
  if (!result.repairs) return [...result.drift];
  return result.drift.filter((drift) => {
    const outcome = result.repairs?.get(itemId(drift));
    return outcome !== RepairOutcome.repaired && outcome !== RepairOutcome.unchanged;
  });
}
