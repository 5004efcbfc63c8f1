import type { MetricDatum } from './MetricDatum';

/** The part of an Embedded Metric Format document that defines metrics. */
interface EmfMetadata {
  readonly Timestamp: number;
  readonly CloudWatchMetrics: readonly {
    readonly Namespace: string;
    readonly Dimensions: readonly (readonly string[])[];
    readonly Metrics: readonly { readonly Name: string }[];
  }[];
}

/**
 * The metric values an Embedded Metric Format document (one JSON log line, as
 * Powertools Metrics writes it) stands for: one datum per metric, dimension set and
 * value (a value may be an array of values). Anything that is not an EMF document
 * gives none.
 *
 * @example datumsFromEmf(JSON.parse(logLine))
 */
export function datumsFromEmf(document: unknown): MetricDatum[] {
  if (document === null || typeof document !== 'object') return [];
  const root = document as Record<string, unknown>;
  const metadata = root._aws as EmfMetadata | undefined;
  if (!metadata || !Array.isArray(metadata.CloudWatchMetrics) || typeof metadata.Timestamp !== 'number') return [];
  const data: MetricDatum[] = [];
  for (const directive of metadata.CloudWatchMetrics) {
    for (const dimensionSet of directive.Dimensions ?? [[]]) {
      const dimensions: Record<string, string> = {};
      for (const name of dimensionSet) dimensions[name] = String(root[name]);
      for (const { Name } of directive.Metrics ?? []) {
        const raw = root[Name];
        const values = Array.isArray(raw) ? raw : [raw];
        for (const value of values) {
          if (typeof value !== 'number' || !Number.isFinite(value)) continue;
          data.push({ namespace: directive.Namespace, metricName: Name, dimensions, timestamp: metadata.Timestamp, value });
        }
      }
    }
  }
  return data;
}
