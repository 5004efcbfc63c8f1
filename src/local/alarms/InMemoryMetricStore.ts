import { metricKey, type MetricDatum, type MetricIdentity } from './MetricDatum';

/**
 * Raw metric values in memory, kept as values (not pre-aggregated) so that any
 * statistic, percentiles included, can be computed for any period afterwards.
 *
 * @example
 * const store = new InMemoryMetricStore();
 * store.put({ namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensions: { FunctionName: 'f' }, timestamp: Date.now(), value: 1200 });
 */
export class InMemoryMetricStore {
  private readonly series = new Map<string, { timestamp: number; value: number }[]>();

  /** Stores one value or several. Non-finite values are refused, as CloudWatch refuses them. */
  public put(data: MetricDatum | readonly MetricDatum[]): void {
    for (const datum of Array.isArray(data) ? data : [data as MetricDatum]) {
      if (!Number.isFinite(datum.value) || !Number.isFinite(datum.timestamp)) {
        throw new RangeError(`metric ${datum.metricName}: value and timestamp must be finite numbers`);
      }
      const key = metricKey(datum);
      let values = this.series.get(key);
      if (!values) {
        values = [];
        this.series.set(key, values);
      }
      values.push({ timestamp: datum.timestamp, value: datum.value });
    }
  }

  /** The values of one metric with `startMs <= timestamp < endMs`, in the order they were put. */
  public values(metric: MetricIdentity, startMs: number, endMs: number): number[] {
    const values = this.series.get(metricKey(metric)) ?? [];
    return values.filter((v) => v.timestamp >= startMs && v.timestamp < endMs).map((v) => v.value);
  }

  /** Forgets every value older than `beforeMs`, to bound memory in a long-running stack. */
  public prune(beforeMs: number): void {
    for (const [key, values] of this.series) {
      const kept = values.filter((v) => v.timestamp >= beforeMs);
      if (kept.length === 0) this.series.delete(key);
      else this.series.set(key, kept);
    }
  }
}
