import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemId, type AggregateItem } from '../../reconcile/AggregateItem';
import type { Drift } from '../../reconcile/compareAggregates';
import { canonicalDecimal } from '../../reconcile/canonicalDecimal';
import { remainingDrift, runReconcile, type ReconcileResult } from '../../reconcile/runReconcile';
import { DEFAULT_SHADOW_NAME, shadowNameProblem } from '../../replay/shadowNames';
import type { StackResources } from '../../stack/stackResourcesFromOutputs';
import { parseFlags, timeFlag } from '../parseFlags';
import { printTable } from '../printTable';
import { resolveTarget } from '../targets/resolveTarget';
import { ReconcileRefusal } from '../../replay/errors';
import { UserError } from '../errors';
import { reconcileUsage } from './reconcileUsage';

/** The part of a resolved target reconcile needs. */
export interface ReconcileCommandTarget {
  readonly name: string;
  readonly resources: StackResources;
  readonly dynamo: DynamoDBClient;
}

/** What the reconcile command takes from its surroundings; tests replace it. */
export interface ReconcileEnvironment {
  readonly resolveTarget: (flags: Parameters<typeof resolveTarget>[0]) => Promise<ReconcileCommandTarget>;
}

/** `streamtally reconcile`: drift between a replay's shadow and the live aggregates, and its repair. */
export async function reconcileCommand(
  argv: readonly string[],
  out: (text: string) => void,
  environment: ReconcileEnvironment = { resolveTarget },
): Promise<void> {
  const { values } = parseFlags('reconcile', argv, {
    shadow: { type: 'string', default: DEFAULT_SHADOW_NAME },
    from: { type: 'string' },
    to: { type: 'string' },
    repair: { type: 'boolean', default: false },
  });
  if (values.help) return out(reconcileUsage);
  const problem = shadowNameProblem(values.shadow);
  if (problem) throw new UserError(`reconcile: ${problem}`);
  const fromMs = values.from === undefined ? undefined : timeFlag('from', values.from, 0);
  const toMs = values.to === undefined ? undefined : timeFlag('to', values.to, 0);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new UserError('reconcile: --from is after --to');
  const target = await environment.resolveTarget(values);

  let result: ReconcileResult;
  try {
    result = await runReconcile(
      { dynamo: target.dynamo, aggregatesTable: target.resources.aggregatesTable },
      { shadow: values.shadow, fromMs, toMs, repair: values.repair },
    );
  } catch (error) {
    if (error instanceof ReconcileRefusal) throw new UserError(`reconcile: ${error.message}`, 2, { cause: error });
    throw error;
  }
  const remaining = remainingDrift(result);
  if (values.json) out(JSON.stringify(reconcileJson(values.shadow, result, remaining.length)));
  else printReport(out, values.shadow, result);
  if (remaining.length > 0) {
    const how = result.repairs
      ? 'they changed under every attempt or hold records the replay did not read (see "repair")'
      : 'add --repair to replace the live values';
    throw new UserError(`reconcile: ${remaining.length} drifted item(s) remain; ${how}`, 1);
  }
}

function reconcileJson(shadow: string, result: ReconcileResult, remaining: number) {
  return {
    shadow,
    shadowTable: result.shadowTable,
    scope: scopeJson(result),
    compared: result.compared,
    expired: result.expired,
    drift: result.drift.map((drift) => ({
      kind: drift.kind,
      type: drift.type,
      key: drift.key,
      granularity: drift.granularity,
      windowStart: drift.windowStart,
      live: values(drift.live),
      shadow: values(drift.shadow),
      ...(result.repairs ? { repair: result.repairs.get(itemId(drift)) } : {}),
    })),
    remaining,
  };
}

function scopeJson(result: ReconcileResult) {
  const { scope } = result;
  const time = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  // No complete window: an empty range, windows ending by the time they may start.
  const empty = scope.untilMs === -Infinity;
  return { from: time(scope.fromMs), until: empty ? time(scope.fromMs) : time(scope.untilMs), lastStart: time(scope.lastStartMs), empty };
}

/** An item's aggregate for the report: `sum` stays an exact decimal string. */
function values(item: AggregateItem | undefined) {
  if (!item) return null;
  const number = (text: string | undefined) => (text === undefined ? null : Number(text));
  return {
    count: number(item.count),
    sum: item.sum === undefined ? null : (canonicalDecimal(item.sum) ?? item.sum),
    min: number(item.min),
    max: number(item.max),
  };
}

function printReport(out: (text: string) => void, shadow: string, result: ReconcileResult): void {
  const { scope } = result;
  const until =
    scope.untilMs === -Infinity
      ? undefined
      : Number.isFinite(scope.untilMs)
        ? `ending by ${new Date(scope.untilMs).toISOString()}`
        : 'with no end bound';
  if (until === undefined) {
    out(`reconcile shadow "${shadow}": the replay has no complete window, so there is nothing to compare (see the replay's summary)`);
    return;
  }
  out(
    `reconcile shadow "${shadow}": compared ${result.compared} item(s) in windows starting at or after ${new Date(scope.fromMs).toISOString()}, ${until}` +
      `${Number.isFinite(scope.lastStartMs) ? ` and by ${new Date(scope.lastStartMs).toISOString()}` : ''}` +
      `${result.expired > 0 ? `; ${result.expired} past their TTL left alone` : ''}`,
  );
  if (result.drift.length === 0) {
    out('no drift: the live aggregates equal the replay');
    return;
  }
  const byKind = (kind: string) => result.drift.filter((drift) => drift.kind === kind).length;
  out(`${result.drift.length} drifted: ${byKind('missing')} missing, ${byKind('extra')} extra, ${byKind('different')} different`);
  const headers = ['kind', 'granularity', 'windowStart', 'type', 'key', 'live count/sum/min/max', 'replay count/sum/min/max'];
  if (result.repairs) headers.push('repair');
  printTable(
    out,
    headers,
    result.drift.map((drift: Drift) => {
      const row = [drift.kind, drift.granularity, drift.windowStart, drift.type, drift.key, cell(drift.live), cell(drift.shadow)];
      if (result.repairs) row.push(result.repairs.get(itemId(drift)) ?? '');
      return row;
    }),
  );
}

function cell(item: AggregateItem | undefined): string {
  const shown = values(item);
  return shown ? `${shown.count}/${shown.sum}/${shown.min}/${shown.max}` : '-';
}
