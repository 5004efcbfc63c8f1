import { parseGranularities, type Granularity } from '../../core';
import type { CompleteWindows } from '../replay/completeWindows';

/** The windows reconcile compares: those a finished replay vouches for, optionally narrowed. */
export interface ReconcileScope {
  /** A window must start at or after this, epoch ms. */
  readonly fromMs: number;
  /** A window must end at or before this, epoch ms (`Infinity`: no bound). */
  readonly untilMs: number;
  /** A window must start at or before this, epoch ms (`--to`; `Infinity`: no bound). */
  readonly lastStartMs: number;
  /** Windows whose TTL has passed by then are left alone. */
  readonly nowMs: number;
  readonly granularities: readonly Granularity[];
}

/** Whether reconcile compares a window: `in`, outside the scope, or past its TTL. */
export type WindowVerdict = 'in' | 'outside' | 'expired';

/**
 * The scope of a reconcile: the replay's complete windows, narrowed by
 * `--from`/`--to` (window starts) if given. It is never widened: outside the
 * complete windows the shadow may lack events the live consumer rightly
 * counted, and "repairing" them would lose those events.
 */
export function reconcileScope(
  complete: CompleteWindows,
  windowsSpec: string,
  nowMs: number,
  narrow: { readonly fromMs?: number; readonly toMs?: number } = {},
): ReconcileScope {
  return {
    fromMs: Math.max(complete.fromMs, narrow.fromMs ?? -Infinity),
    untilMs: complete.untilMs,
    lastStartMs: narrow.toMs ?? Infinity,
    nowMs,
    granularities: parseGranularities(windowsSpec),
  };
}

/**
 * Judges one window. A window past its TTL (end + the granularity's keep time)
 * is `expired`: DynamoDB may already have deleted the live item or may do so
 * any time (its TTL sweep lags by up to days), so it is neither compared nor
 * written back.
 */
export function judgeWindow(scope: ReconcileScope, granularityLabel: string, windowStartMs: number): WindowVerdict {
  const granularity = scope.granularities.find((candidate) => candidate.label === granularityLabel);
  if (!granularity || Number.isNaN(windowStartMs)) return 'outside';
  const endMs = windowStartMs + granularity.sizeMs;
  if (windowStartMs < scope.fromMs || endMs > scope.untilMs || windowStartMs > scope.lastStartMs) return 'outside';
  const expiresAtMs = Math.ceil((endMs + granularity.ttlMs) / 1000) * 1000;
  return expiresAtMs <= scope.nowMs ? 'expired' : 'in';
}

/**
 * The window starts a Scan must cover for `scope` (ISO, inclusive), or
 * `undefined` when the scope holds no window at all.
 */
export function scopeWindowStarts(scope: ReconcileScope): { from: string; to: string } | undefined {
  const smallest = Math.min(...scope.granularities.map((granularity) => granularity.sizeMs));
  const lastStart = Math.min(scope.untilMs - smallest, scope.lastStartMs);
  if (!Number.isFinite(scope.fromMs) || lastStart < scope.fromMs) return undefined;
  return {
    from: new Date(scope.fromMs).toISOString(),
    to: Number.isFinite(lastStart) ? new Date(lastStart).toISOString() : '9999-12-31T23:59:59.999Z',
  };
}
