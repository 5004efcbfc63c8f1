import { parseAlarmRule, type RuleNode } from './alarmRule';
import { ComparisonOperator, TreatMissingData } from './evaluateDatapoints';
import type { MetricIdentity } from './MetricDatum';
import { parseMathExpression, type MathNode } from './metricMath';
import { statisticFunction } from './statistic';
import type { CloudFormationTemplate } from '../template/CloudFormationTemplate';
import { IntrinsicResolver, type ResourceIdentities } from '../template/IntrinsicResolver';
import type { ResourceIdentity } from '../template/ResourceIdentity';
import { TemplateError, AlarmEvaluationError } from '../errors';

/** One metric an alarm reads, with the statistic and period it reads it at. */
export interface MetricStat {
  readonly metric: MetricIdentity;
  /** Sum, Average, Minimum, Maximum, SampleCount or pNN. */
  readonly statistic: string;
  readonly periodSeconds: number;
}

/** A metric alarm as the template defines it, references resolved. */
export interface MetricAlarmDefinition {
  readonly kind: 'metric';
  readonly logicalId: string;
  readonly alarmName: string;
  readonly description?: string;
  /**
   * What the alarm evaluates: metric stats by id, and the expression whose result is
   * compared (for a plain metric alarm, the id of its one metric).
   */
  readonly metrics: Readonly<Record<string, MetricStat>>;
  readonly expression: MathNode;
  /** The expression as written (or the metric id), for messages. */
  readonly expressionText: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
  /** `ignore` keeps the state while a percentile has too few samples; `evaluate` (the default) does not. */
  readonly evaluateLowSampleCountPercentile: 'evaluate' | 'ignore';
  readonly actions: AlarmActions;
}

/** A composite alarm as the template defines it. */
export interface CompositeAlarmDefinition {
  readonly kind: 'composite';
  readonly logicalId: string;
  readonly alarmName: string;
  readonly description?: string;
  readonly rule: RuleNode;
  readonly ruleText: string;
  readonly actions: AlarmActions;
}

/** Either kind of alarm. */
export type AlarmDefinition = MetricAlarmDefinition | CompositeAlarmDefinition;

/** The actions of an alarm per target state (SNS topic ARNs and the like), resolved. */
export interface AlarmActions {
  readonly enabled: boolean;
  readonly alarm: readonly string[];
  readonly ok: readonly string[];
  readonly insufficientData: readonly string[];
}

/** How the template's references resolve: what the running stack calls its resources. */
export interface TemplateReferences {
  /**
   * What `Ref` of a resource gives (its physical id: a function name, a stream name, a
   * topic ARN, an event source mapping UUID), as the emitter of metrics names it.
   * @default - the logical id
   */
  readonly physicalId?: (logicalId: string) => string | undefined;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 'local' */
  readonly stackName?: string;
}

const METRIC_ALARM = 'AWS::CloudWatch::Alarm';
const COMPOSITE_ALARM = 'AWS::CloudWatch::CompositeAlarm';

/**
 * Reads the `AWS::CloudWatch::Alarm` and `AWS::CloudWatch::CompositeAlarm` resources of a
 * synthesized template. Plain metric alarms (MetricName, Namespace, Dimensions, Statistic
 * or ExtendedStatistic, Period) and alarms over `Metrics` (metric stats and one returned
 * expression) both become an expression over metric stats. Intrinsics are resolved by the
 * local stack's {@link IntrinsicResolver}: `Ref` of a resource gives its physical id, of an
 * alarm its name; `Fn::GetAtt` of an alarm's `Arn` gives its ARN.
 *
 * @throws AlarmEvaluationError naming the alarm, for a form that cannot be evaluated locally.
 */
export function alarmsFromTemplate(template: CloudFormationTemplate, references: TemplateReferences = {}): AlarmDefinition[] {
  const resources = template.Resources ?? {};
  const environment = {
    region: references.region ?? 'us-east-1',
    accountId: references.accountId ?? '000000000000',
    stackName: references.stackName ?? 'local',
  };
  const alarmIds = Object.keys(resources).filter((id) => resources[id]?.Type === METRIC_ALARM || resources[id]?.Type === COMPOSITE_ALARM);
  // Alarms by name once their names are resolved; any other resource by the physical id the running stack gives it.
  const alarms = new Map<string, ResourceIdentity>();
  const identities: ResourceIdentities = {
    get: (logicalId) => {
      const alarm = alarms.get(logicalId);
      if (alarm) return alarm;
      const type = resources[logicalId]?.Type;
      const ref = references.physicalId?.(logicalId) ?? (type === undefined ? undefined : logicalId);
      return ref === undefined ? undefined : { logicalId, type: type ?? 'unknown', name: ref, ref, attributes: {} };
    },
  };
  const identifyAlarm = (logicalId: string, name: string): void => {
    const arn = `arn:aws:cloudwatch:${environment.region}:${environment.accountId}:alarm:${name}`;
    alarms.set(logicalId, { logicalId, type: resources[logicalId]!.Type, name, ref: name, attributes: { Arn: arn } });
  };
  for (const id of alarmIds) identifyAlarm(id, id);
  const resolver = new IntrinsicResolver(template, identities, environment);
  const resolve = (value: unknown, where: string): unknown => {
    try {
      return resolver.resolve(value, where);
    } catch (error) {
      if (error instanceof TemplateError) throw new AlarmEvaluationError(error.message, { cause: error });
      throw error;
    }
  };

  // Alarm names first: an alarm's Ref and ARN (Fn::GetAtt [id, Arn]) are built from its name.
  const names = new Map<string, string>();
  for (const id of alarmIds) {
    const given = resources[id]?.Properties?.AlarmName;
    names.set(id, given === undefined ? id : asString(resolve(given, `${id}.AlarmName`), `${id}.AlarmName`));
  }
  for (const [id, name] of names) identifyAlarm(id, name);

  return alarmIds.map((id) => {
    const resource = resources[id]!;
    const alarmName = names.get(id) as string;
    try {
      const properties = (resolve(resource.Properties ?? {}, 'its properties') ?? {}) as Record<string, unknown>;
      return resource.Type === METRIC_ALARM ? metricAlarm(id, alarmName, properties) : compositeAlarm(id, alarmName, properties);
    } catch (error) {
      if (error instanceof AlarmEvaluationError) throw new AlarmEvaluationError(`alarm ${alarmName}: ${error.message}`, { cause: error });
      throw error;
    }
  });
}

function metricAlarm(logicalId: string, alarmName: string, p: Record<string, unknown>): MetricAlarmDefinition {
  let metrics: Record<string, MetricStat>;
  let expression: MathNode;
  let expressionText: string;
  let periodSeconds: number;
  if (p.Metrics !== undefined) {
    const queries = p.Metrics as readonly Record<string, unknown>[];
    metrics = {};
    for (const query of queries) {
      const stat = query.MetricStat as Record<string, unknown> | undefined;
      if (stat) metrics[String(query.Id)] = metricStat(stat.Metric as Record<string, unknown>, String(stat.Stat), Number(stat.Period));
    }
    const returned = queries.filter((query) => query.ReturnData !== false);
    if (returned.length !== 1) throw new AlarmEvaluationError(`exactly one of Metrics must return data, ${returned.length} do`);
    const result = returned[0] as Record<string, unknown>;
    expressionText = result.Expression === undefined ? String(result.Id) : String(result.Expression);
    expression = parseMathExpression(expressionText);
    const periods = new Set(Object.values(metrics).map((stat) => stat.periodSeconds));
    if (result.Period !== undefined) periods.add(Number(result.Period));
    if (periods.size !== 1) throw new AlarmEvaluationError('every metric of an alarm must have the same period');
    periodSeconds = [...periods][0] as number;
  } else {
    const statistic = p.ExtendedStatistic ?? p.Statistic;
    if (statistic === undefined) throw new AlarmEvaluationError('has neither Statistic nor ExtendedStatistic');
    periodSeconds = Number(p.Period);
    metrics = { m1: metricStat(p, String(statistic), periodSeconds) };
    expressionText = 'm1';
    expression = parseMathExpression(expressionText);
  }
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0)
    throw new AlarmEvaluationError(`Period must be a positive whole number of seconds, got ${periodSeconds}`);
  for (const stat of Object.values(metrics)) statisticFunction(stat.statistic);

  const comparisonOperator = String(p.ComparisonOperator) as ComparisonOperator;
  if (!(Object.values(ComparisonOperator) as string[]).includes(comparisonOperator)) {
    throw new AlarmEvaluationError(`ComparisonOperator "${comparisonOperator}" is not supported locally (anomaly-detection bands are not)`);
  }
  if (p.Threshold === undefined) throw new AlarmEvaluationError('has no static Threshold (a ThresholdMetricId is not supported locally)');
  const treatMissingData = (p.TreatMissingData ?? TreatMissingData.missing) as TreatMissingData;
  if (!(Object.values(TreatMissingData) as string[]).includes(treatMissingData))
    throw new AlarmEvaluationError(`TreatMissingData "${treatMissingData}" is unknown`);
  const evaluationPeriods = Number(p.EvaluationPeriods);
  return {
    kind: 'metric',
    logicalId,
    alarmName,
    description: p.AlarmDescription === undefined ? undefined : String(p.AlarmDescription),
    metrics,
    expression,
    expressionText,
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm: p.DatapointsToAlarm === undefined ? evaluationPeriods : Number(p.DatapointsToAlarm),
    threshold: Number(p.Threshold),
    comparisonOperator,
    treatMissingData,
    evaluateLowSampleCountPercentile: p.EvaluateLowSampleCountPercentile === 'ignore' ? 'ignore' : 'evaluate',
    actions: actionsOf(p),
  };
}

function compositeAlarm(logicalId: string, alarmName: string, p: Record<string, unknown>): CompositeAlarmDefinition {
  const ruleText = asString(p.AlarmRule, 'AlarmRule');
  return {
    kind: 'composite',
    logicalId,
    alarmName,
    description: p.AlarmDescription === undefined ? undefined : String(p.AlarmDescription),
    rule: parseAlarmRule(ruleText),
    ruleText,
    actions: actionsOf(p),
  };
}

function metricStat(metric: Record<string, unknown>, statistic: string, periodSeconds: number): MetricStat {
  const dimensions: Record<string, string> = {};
  for (const dimension of (metric.Dimensions as readonly { Name: unknown; Value: unknown }[] | undefined) ?? []) {
    dimensions[String(dimension.Name)] = String(dimension.Value);
  }
  return { metric: { namespace: String(metric.Namespace), metricName: String(metric.MetricName), dimensions }, statistic, periodSeconds };
}

function actionsOf(p: Record<string, unknown>): AlarmActions {
  const list = (value: unknown) => ((value as unknown[] | undefined) ?? []).map(String);
  return {
    enabled: p.ActionsEnabled !== false,
    alarm: list(p.AlarmActions),
    ok: list(p.OKActions),
    insufficientData: list(p.InsufficientDataActions),
  };
}

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new AlarmEvaluationError(`${where} must resolve to a string, got ${JSON.stringify(value)}`);
}
