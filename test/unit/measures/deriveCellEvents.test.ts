import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TYPE_MEASURES,
  deriveCellEvents,
  dimensionRequests,
  measuresOfType,
  NO_MEASURES,
  type MeasuresConfig,
  type SequencedEvent,
} from '../../../core';
import { padded, streamEvent } from '../core/factories';

const T = Date.parse('2026-11-26T12:34:56.789Z');
const DAY2 = Date.parse('2026-11-27T00:00:01.000Z');

const measures: MeasuresConfig = {
  types: {
    page_view: {
      ...DEFAULT_TYPE_MEASURES,
      stats: ['count'],
      dimensions: [
        { field: 'attrs.country', cap: 2 },
        { field: 'attrs.device', cap: 10 },
      ],
      total: true,
    },
    search: { ...DEFAULT_TYPE_MEASURES, total: true },
  },
  alerts: [],
};

function sequenced(n: number, attrs: Record<string, unknown> | undefined, type = 'page_view', tsMs = T): SequencedEvent {
  return { event: streamEvent({ id: `e${n}`, type, key: `/k${n}`, tsMs, value: n, attrs }), paddedSequence: padded(n) };
}

describe('dimension requests', () => {
  it('asks once per (type, field, day) for the distinct values, in order of first appearance', () => {
    const events = [
      sequenced(1, { country: 'DE', device: 'ios' }),
      sequenced(2, { country: 'FR' }),
      sequenced(3, { country: 'DE', device: 'web' }),
      sequenced(4, { country: 'IT' }, 'page_view', DAY2),
      sequenced(5, { country: 'DE' }, 'search'),
    ].map((s) => s.event);
    expect(dimensionRequests(events, measures)).toEqual([
      { type: 'page_view', field: 'attrs.country', day: '2026-11-26', cap: 2, values: ['DE', 'FR'] },
      { type: 'page_view', field: 'attrs.device', day: '2026-11-26', cap: 10, values: ['ios', 'web'] },
      { type: 'page_view', field: 'attrs.country', day: '2026-11-27', cap: 2, values: ['IT'] },
    ]);
    expect(dimensionRequests(events, NO_MEASURES)).toEqual([]);
  });
});

describe('deriveCellEvents', () => {
  it('adds one event per dimension bucket and one to the total, with the same time, value and sequence', () => {
    // Prepare: FR was refused (the day's set is full)
    const events = [sequenced(1, { country: 'DE' }), sequenced(2, { country: 'FR', device: 'ios' }), sequenced(3, undefined, 'other')];
    const admitted = (_type: string, field: string, _day: string, value: string) => field === 'attrs.device' || value === 'DE';

    // Act
    const derived = deriveCellEvents(events, measures, admitted);

    // Assess
    expect(derived.map(({ event, paddedSequence }) => [event.type, event.key, event.tsMs, event.value, paddedSequence])).toEqual([
      ['page_view@attrs.country', 'DE', T, 1, padded(1)],
      ['page_view@attrs.device', '(missing)', T, 1, padded(1)],
      ['page_view@total', 'all', T, 1, padded(1)],
      ['page_view@attrs.country', '(other)', T, 2, padded(2)],
      ['page_view@attrs.device', 'ios', T, 2, padded(2)],
      ['page_view@total', 'all', T, 2, padded(2)],
    ]);
    // The origin is the event itself, whose fields the derived cells' distinct counts read.
    expect(derived[0]!.origin).toBe(events[0]!.event);
    expect(deriveCellEvents(events, NO_MEASURES, admitted)).toEqual([]);
  });
});

describe('measuresOfType', () => {
  it('gives derived types their type measures without deriving further, and undeclared types the defaults', () => {
    expect(measuresOfType(measures, 'page_view')).toBe(measures.types.page_view);
    expect(measuresOfType(measures, 'page_view@attrs.country')).toEqual({ ...measures.types.page_view, dimensions: [], total: false });
    expect(measuresOfType(measures, 'nope')).toBe(DEFAULT_TYPE_MEASURES);
  });
});
