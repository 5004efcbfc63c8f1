import { TOTAL_KEY, totalType, type DataAlert, type MeasuresConfig } from './measures';

/** The aggregate series a data alert watches: one (type, key) per window of one granularity. */
export interface AlertCell {
  /** The alert's type, or its total type when the alert names no key. */
  readonly type: string;
  /** The alert's key, or the total's one key. */
  readonly key: string;
  readonly granularity: string;
}

/** The series `alert` watches: a key's cells, or the type's total (docs/measures.md, alerts on the data). */
export function alertCell(alert: DataAlert): AlertCell {
  return alert.key === undefined
    ? { type: totalType(alert.type), key: TOTAL_KEY, granularity: alert.window }
    : { type: alert.type, key: alert.key, granularity: alert.window };
}

/** One string per (type, key, granularity): the key has no `\u0000` in it, so the parts stay apart. */
export function alertCellId(type: string, key: string, granularity: string): string {
  return `${type}\u0000${granularity}\u0000${key}`;
}

/** The ids ({@link alertCellId}) of every series some alert of `config` watches. */
export function watchedCellIds(config: MeasuresConfig): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const alert of config.alerts) {
    const cell = alertCell(alert);
    ids.add(alertCellId(cell.type, cell.key, cell.granularity));
  }
  return ids;
}
