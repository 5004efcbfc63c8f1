/**
 * CloudWatch alarms evaluated locally: the alarms of a synthesized template,
 * an in-memory metric store, and an evaluator that follows CloudWatch's rules
 * (periods, statistics and percentiles, M out of N, missing data, metric math,
 * composite rules).
 */
export { AlarmEvaluationError } from '../errors';
export { AlarmEvaluator, type AlarmEvaluation, type AlarmEvaluatorOptions, type AlarmStateChange } from './AlarmEvaluator';
export {
  alarmsFromTemplate,
  type AlarmActions,
  type AlarmDefinition,
  type CompositeAlarmDefinition,
  type MetricAlarmDefinition,
  type MetricStat,
  type TemplateReferences,
} from './alarmsFromTemplate';
export { parseAlarmRule, ruleHolds, type RuleNode } from './alarmRule';
export { AlarmState } from './AlarmState';
export { datumsFromEmf } from './datumsFromEmf';
export {
  ComparisonOperator,
  evaluateDatapoints,
  TreatMissingData,
  type Datapoint,
  type DatapointVerdict,
  type ThresholdRule,
} from './evaluateDatapoints';
export { InMemoryMetricStore } from './InMemoryMetricStore';
export { metricKey, type MetricDatum, type MetricIdentity } from './MetricDatum';
export { evaluateMathExpression, parseMathExpression, type MathNode, type Series } from './metricMath';
export { percentileOf, statisticFunction } from './statistic';
