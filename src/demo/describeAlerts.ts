import { AlertComparison, type DataAlert } from '../../core';

/** A data alert as the demo's summary shows it. */
export interface DemoAlertState {
  readonly name: string;
  /** Its alarm's name in the template (`streamtally-<stage>-alert-<name>`). */
  readonly alarmName: string;
  /** The alarm's state at the demo's end: `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  /** Whether it was in ALARM at any time during the demo (it may be OK again at the end). */
  readonly alarmed: boolean;
  /** The alert in words: `sensor.temp max per 1m above 29.5`. */
  readonly meaning: string;
}

/** The alert in a few words: `sensor.temp max per 1m above 29.5`, `search key "shoes" count per 1h rises over 5x`. */
export function alertInWords(alert: DataAlert): string {
  const series = `${alert.type}${alert.key === undefined ? '' : ` key ${JSON.stringify(alert.key)}`} ${alert.measure} per ${alert.window}`;
  const condition =
    alert.comparison === AlertComparison.risesOver ? `rises over ${alert.threshold}x` : `${alert.comparison} ${alert.threshold}`;
  const periods = alert.evaluationPeriods > 1 ? `, ${alert.evaluationPeriods} windows in a row` : '';
  return `${series} ${condition}${periods}`;
}

/**
 * The state of each declared alert's alarm. The stage is not in the consumer's
 * environment, so an alarm is found by its name's ending `-alert-<name>`; of
 * several (alerts `x` and `y-alert-x`), the shortest name is the alert's own.
 */
export function alertStates(
  alerts: readonly DataAlert[],
  alarmStates: Readonly<Record<string, string>>,
  alarmedNames: ReadonlySet<string>,
): DemoAlertState[] {
  return alerts.map((alert) => {
    const alarmName = Object.keys(alarmStates)
      .filter((name) => name.endsWith(`-alert-${alert.name}`))
      .sort((a, b) => a.length - b.length)[0];
    return {
      name: alert.name,
      alarmName: alarmName ?? `(no alarm for ${alert.name})`,
      state: alarmName === undefined ? 'UNKNOWN' : (alarmStates[alarmName] ?? 'UNKNOWN'),
      alarmed: alarmName !== undefined && alarmedNames.has(alarmName),
      meaning: alertInWords(alert),
    };
  });
}

/** `alert sensor-hot: ALARM (sensor.temp max per 1m above 29.5)`; an alert that fired and recovered says so. */
export function alertLine(alert: DemoAlertState): string {
  const fired = alert.alarmed && alert.state !== 'ALARM' ? ', was in ALARM during the demo' : '';
  return `alert ${alert.name}: ${alert.state}${fired} (${alert.meaning})`;
}
