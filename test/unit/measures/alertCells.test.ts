import { describe, expect, it } from 'vitest';
import { alertCell, alertCellId, derivesCells, DEFAULT_TYPE_MEASURES, NO_MEASURES, watchedCellIds, type DataAlert } from '../../../core';

const base: DataAlert = {
  name: 'a',
  type: 'search',
  window: '1h',
  measure: 'count',
  comparison: 'above',
  threshold: 5,
  evaluationPeriods: 1,
};

describe('alert cells', () => {
  it('watches the key given, or the type total', () => {
    expect(alertCell({ ...base, key: 'shoes' })).toEqual({ type: 'search', key: 'shoes', granularity: '1h' });
    expect(alertCell(base)).toEqual({ type: 'search@total', key: 'all', granularity: '1h' });
  });

  it('lists every watched cell once, the parts kept apart', () => {
    const ids = watchedCellIds({ types: {}, alerts: [{ ...base, key: 'shoes' }, { ...base, name: 'b', key: 'shoes' }, base] });
    expect([...ids]).toEqual([alertCellId('search', 'shoes', '1h'), alertCellId('search@total', 'all', '1h')]);
    expect(alertCellId('a', 'b', 'c')).not.toBe(alertCellId('a', 'b\u0000c', ''));
    expect(watchedCellIds(NO_MEASURES).size).toBe(0);
  });

  it('knows which declarations derive cells of other keys', () => {
    expect(derivesCells(NO_MEASURES)).toBe(false);
    expect(derivesCells({ types: { t: { ...DEFAULT_TYPE_MEASURES, distinct: [{ field: 'key', precision: 12 }] } }, alerts: [] })).toBe(
      false,
    );
    expect(derivesCells({ types: { t: { ...DEFAULT_TYPE_MEASURES, dimensions: [{ field: 'attrs.c', cap: 5 }] } }, alerts: [] })).toBe(true);
  });
});
