import type { SequencedEvent } from './buildItemDeltas';
import { dimensionCandidate, utcDay } from './dimensionBuckets';
import { DimensionBucket, dimensionType, TOTAL_KEY, totalType, type MeasuresConfig } from './measures';
import type { StreamEvent } from './types';

/** The values of one dimension on one UTC day that a batch needs a decision for. */
export interface DimensionRequest {
  readonly type: string;
  readonly field: string;
  /** `YYYY-MM-DD` of event time. */
  readonly day: string;
  readonly cap: number;
  /** Distinct candidates, in order of first appearance. */
  readonly values: readonly string[];
}

/** Whether a candidate value has a bucket of its own (the registry's decision, already made). */
export type AdmittedLookup = (type: string, field: string, day: string, value: string) => boolean;

/** Types that derive cells (dimensions or a total), or undefined when none does: the common case costs one check. */
function derivingTypes(config: MeasuresConfig): Set<string> | undefined {
  let types: Set<string> | undefined;
  for (const [type, measures] of Object.entries(config.types)) {
    if (measures.total || measures.dimensions.length > 0) (types ??= new Set()).add(type);
  }
  return types;
}

/**
 * Whether `config` makes any event contribute to a cell of another key (a
 * dimension bucket or a total). Such cells take events of many partition
 * keys, so their per-shard high-water marks are only exact with one batch at
 * a time per shard (parallelization factor 1): lanes of concurrent batches
 * would reach them out of sequence order.
 */
export function derivesCells(config: MeasuresConfig): boolean {
  return derivingTypes(config) !== undefined;
}

/**
 * The dimension decisions `events` need: per (type, field, UTC day), the
 * distinct candidate values (events whose value goes to `(missing)` need none).
 */
export function dimensionRequests(events: readonly StreamEvent[], config: MeasuresConfig): DimensionRequest[] {
  const deriving = derivingTypes(config);
  if (deriving === undefined) return [];
  const requests = new Map<string, DimensionRequest & { values: string[]; seen: Set<string> }>();
  for (const event of events) {
    if (!deriving.has(event.type)) continue;
    const measures = config.types[event.type]!;
    if (measures.dimensions.length === 0) continue;
    const day = utcDay(event.tsMs);
    for (const { field, cap } of measures.dimensions) {
      const value = dimensionCandidate(event, field);
      if (value === undefined) continue;
      const id = `${event.type}\u0000${field}\u0000${day}`;
      let request = requests.get(id);
      if (request === undefined) {
        request = { type: event.type, field, day, cap, values: [], seen: new Set() };
        requests.set(id, request);
      }
      if (!request.seen.has(value)) {
        request.seen.add(value);
        request.values.push(value);
      }
    }
  }
  return [...requests.values()].map(({ type, field, day, cap, values }) => ({ type, field, day, cap, values }));
}

/**
 * The contributions counted events make to derived cells (docs/measures.md):
 * per dimension of the event's type one event of type
 * {@link dimensionType} keyed by its bucket, and with a total one of type
 * {@link totalType} keyed {@link TOTAL_KEY}; each with the event's time,
 * value and padded sequence number, so the derived cells take the same
 * high-water marks and prefix rule as any cell. `origin` keeps the event
 * itself, whose fields the derived cells' distinct counts read.
 *
 * @param events counted events, ascending by sequence number; the result is in the same order.
 */
export function deriveCellEvents(events: readonly SequencedEvent[], config: MeasuresConfig, admitted: AdmittedLookup): SequencedEvent[] {
  const deriving = derivingTypes(config);
  if (deriving === undefined) return [];
  const derived: SequencedEvent[] = [];
  for (const sequenced of events) {
    const { event, paddedSequence } = sequenced;
    if (!deriving.has(event.type)) continue;
    const measures = config.types[event.type]!;
    const origin = sequenced.origin ?? event;
    let day: string | undefined;
    for (const { field } of measures.dimensions) {
      const value = dimensionCandidate(event, field);
      let bucket: string = DimensionBucket.missing;
      if (value !== undefined) {
        day ??= utcDay(event.tsMs);
        bucket = admitted(event.type, field, day, value) ? value : DimensionBucket.other;
      }
      derived.push({ event: { ...event, type: dimensionType(event.type, field), key: bucket }, paddedSequence, origin });
    }
    if (measures.total) derived.push({ event: { ...event, type: totalType(event.type), key: TOTAL_KEY }, paddedSequence, origin });
  }
  return derived;
}
