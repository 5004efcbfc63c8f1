import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The full width of a dashboard row, in grid units. */
const ROW_WIDTH = 24;
const ALARM_STATUS_WIDTH = 6;
const HEIGHT = 6;

/** One graph of a dashboard row. */
export interface RowGraph {
  readonly title: string;
  readonly left: readonly cloudwatch.IMetric[];
  readonly right?: readonly cloudwatch.IMetric[];
  /** Threshold lines on the left axis. */
  readonly leftAnnotations?: readonly cloudwatch.HorizontalAnnotation[];
  /** Unit label of the left axis. */
  readonly leftUnit?: string;
}

/**
 * One concern's row: the states of its alarms on the left, then its graphs
 * sharing the rest of the width.
 */
export function dashboardRow(title: string, alarms: readonly cloudwatch.IAlarm[], graphs: readonly RowGraph[]): cloudwatch.Row {
  const graphWidth = Math.floor((ROW_WIDTH - ALARM_STATUS_WIDTH) / Math.max(graphs.length, 1));
  return new cloudwatch.Row(
    new cloudwatch.AlarmStatusWidget({
      title: `${title}: alarms`,
      alarms: [...alarms],
      width: ALARM_STATUS_WIDTH,
      height: HEIGHT,
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }),
    ...graphs.map(
      (graph) =>
        new cloudwatch.GraphWidget({
          title: `${title}: ${graph.title}`,
          left: [...graph.left],
          right: graph.right ? [...graph.right] : undefined,
          leftAnnotations: graph.leftAnnotations ? [...graph.leftAnnotations] : undefined,
          leftYAxis: { min: 0, label: graph.leftUnit, showUnits: graph.leftUnit === undefined },
          width: graphWidth,
          height: HEIGHT,
        }),
    ),
  );
}
