import { AlarmEvaluationError } from './AlarmEvaluationError';
import { parseAlarmRule, type RuleNode } from './alarmRule';
import { ComparisonOperator, TreatMissingData } from './evaluateDatapoints';
import type { MetricIdentity } from './MetricDatum';
import { parseMathExpression, type MathNode } from './metricMath';
import { statisticFunction } from './statistic';

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

interface TemplateLike {
  readonly Resources?: Readonly<Record<string, { readonly Type?: string; readonly Properties?: Readonly<Record<string, unknown>> }>>;
}

const METRIC_ALARM = 'AWS::CloudWatch::Alarm';
const COMPOSITE_ALARM = 'AWS::CloudWatch::CompositeAlarm';

/**
 * Reads the `AWS::CloudWatch::Alarm` and `AWS::CloudWatch::CompositeAlarm` resources of a
 * synthesized template. Plain metric alarms (MetricName, Namespace, Dimensions, Statistic
 * or ExtendedStatistic, Period) and alarms over `Metrics` (metric stats and one returned
 * expression) both become an expression over metric stats.
 *
 * @throws AlarmEvaluationError naming the alarm, for a form that cannot be evaluated locally.
 */
export function alarmsFromTemplate(template: TemplateLike, references: TemplateReferences = {}): AlarmDefinition[] {
  const resources = template.Resources ?? {};
  const region = references.region ?? 'us-east-1';
  const accountId = references.accountId ?? '000000000000';
  const alarmIds = Object.keys(resources).filter((id) => resources[id]?.Type === METRIC_ALARM || resources[id]?.Type === COMPOSITE_ALARM);

  // Alarm names first: an ARN of an alarm (Fn::GetAtt [id, Arn]) is built from its name.
  const names = new Map<string, string>();
  const resolveName = (id: string) => {
    const given = resources[id]?.Properties?.AlarmName;
    return given === undefined ? id : asString(resolveIntrinsic(given, baseResolver), `${id}.AlarmName`);
  };
  const baseResolver: Resolver = {
    ref: (logicalId) => pseudoParameter(logicalId, region, accountId, references.stackName) ?? references.physicalId?.(logicalId) ?? logicalId,
    getAtt: (logicalId, attribute) => {
      if (attribute === 'Arn' && names.has(logicalId)) return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${names.get(logicalId)}`;
      throw new AlarmEvaluationError(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} locally`);
    },
  };
  for (const id of alarmIds) names.set(id, id);
  for (const id of alarmIds) names.set(id, resolveName(id));

  return alarmIds.map((id) => {
    const resource = resources[id] as { Type: string; Properties?: Readonly<Record<string, unknown>> };
    const properties = resolveIntrinsic(resource.Properties ?? {}, baseResolver) as Record<string, unknown>;
    const alarmName = names.get(id) as string;
    try {
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
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) throw new AlarmEvaluationError(`Period must be a positive whole number of seconds, got ${periodSeconds}`);
  for (const stat of Object.values(metrics)) statisticFunction(stat.statistic);

  const comparisonOperator = String(p.ComparisonOperator) as ComparisonOperator;
  if (!(Object.values(ComparisonOperator) as string[]).includes(comparisonOperator)) {
    throw new AlarmEvaluationError(`ComparisonOperator "${comparisonOperator}" is not supported locally (anomaly-detection bands are not)`);
  }
  if (p.Threshold === undefined) throw new AlarmEvaluationError('has no static Threshold (a ThresholdMetricId is not supported locally)');
  const treatMissingData = (p.TreatMissingData ?? TreatMissingData.missing) as TreatMissingData;
  if (!(Object.values(TreatMissingData) as string[]).includes(treatMissingData)) throw new AlarmEvaluationError(`TreatMissingData "${treatMissingData}" is unknown`);
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

interface Resolver {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

/** Resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub anywhere in a value. */
function resolveIntrinsic(value: unknown, resolver: Resolver): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsic(item, resolver));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0] as [string, unknown];
    if (key === 'Ref') return resolver.ref(String(argument));
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = Array.isArray(argument) ? argument.map(String) : String(argument).split('.');
      return resolver.getAtt(logicalId as string, attribute as string);
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolveIntrinsic(parts, resolver) as unknown[]).map((part) => asString(part, 'Fn::Join')).join(separator);
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(argument) ? (argument as [string, Record<string, unknown>]) : [String(argument), {}];
      return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
        if (name in variables) return asString(resolveIntrinsic(variables[name], resolver), 'Fn::Sub');
        const [logicalId, attribute] = name.split('.');
        return attribute === undefined ? resolver.ref(logicalId as string) : resolver.getAtt(logicalId as string, attribute);
      });
    }
    if (key.startsWith('Fn::')) throw new AlarmEvaluationError(`${key} is not supported locally`);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsic(item, resolver)]));
}

function pseudoParameter(name: string, region: string, accountId: string, stackName = 'local'): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return stackName;
    default:
      return undefined;
  }
}

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new AlarmEvaluationError(`${where} must resolve to a string, got ${JSON.stringify(value)}`);
}
