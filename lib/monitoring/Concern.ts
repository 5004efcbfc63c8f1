/**
 * What an alarm watches; the dashboard has one row per concern, in this order,
 * and docs/monitoring.md one section.
 */
export const Concern = {
  lag: 'lag',
  backpressure: 'backpressure',
  consumer: 'consumer',
  dynamodb: 'dynamodb',
  sla: 'sla',
  /** The deployment's own thresholds on its aggregates (docs/measures.md); a row only when alerts are declared. */
  data: 'data',
} as const;
export type Concern = (typeof Concern)[keyof typeof Concern];

/** The heading of each concern's dashboard row. */
export const CONCERN_TITLES: { readonly [C in Concern]: string } = {
  lag: 'Consumer lag',
  backpressure: 'Stream backpressure',
  consumer: 'Consumer health',
  dynamodb: 'DynamoDB',
  sla: 'SLA',
  data: 'Data alerts',
};
