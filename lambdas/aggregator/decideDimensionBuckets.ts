import { dimensionRequests, type AdmittedLookup, type Granularity, type MeasuresConfig, type StreamEvent } from '../../core';
import { settleWithConcurrency } from '../shared/mapWithConcurrency';
import type { DimensionRegistry } from './store/ports';

const DAY_MS = 86_400_000;

/** The bucket decisions of a batch, and the (type, day) registries that could not decide. */
export interface DimensionDecisions {
  readonly admitted: AdmittedLookup;
  /** Every counted event of such a type and UTC day must be retried: its bucket is unknown. */
  readonly failures: readonly { readonly type: string; readonly day: string; readonly error: unknown }[];
}

/**
 * Asks the registry for a bucket decision for every dimension value the
 * counted `events` carry, one request per (type, field, UTC day).
 */
export async function decideDimensionBuckets(
  events: readonly StreamEvent[],
  measures: MeasuresConfig,
  registry: DimensionRegistry | undefined,
  granularities: readonly Granularity[],
  concurrency: number,
): Promise<DimensionDecisions> {
  const requests = dimensionRequests(events, measures);
  const decided = new Map<string, Map<string, boolean>>();
  const admitted: AdmittedLookup = (type, field, day, value) => decided.get(requestId(type, field, day))?.get(value) === true;
  if (requests.length === 0) return { admitted, failures: [] };
  if (registry === undefined) throw new Error('declared dimensions need a dimension registry port');
  // The registry outlives every window of its day: the longest granularity's TTL after the day ends.
  const longestTtlMs = Math.max(0, ...granularities.map((granularity) => granularity.sizeMs + granularity.ttlMs));
  const failed = await settleWithConcurrency(
    requests,
    concurrency,
    (request) => registry.admit({ ...request, expiresAtSec: Math.ceil((Date.parse(request.day) + DAY_MS + longestTtlMs) / 1000) }),
    (request, decisions) => {
      const byValue = new Map<string, boolean>();
      for (let i = 0; i < request.values.length; i++) byValue.set(request.values[i]!, decisions[i] === true);
      decided.set(requestId(request.type, request.field, request.day), byValue);
    },
  );
  const failures = (failed ?? []).map(({ index, error }) => ({ type: requests[index]!.type, day: requests[index]!.day, error }));
  return { admitted, failures };
}

function requestId(type: string, field: string, day: string): string {
  return `${type}\u0000${field}\u0000${day}`;
}
