import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AggregatorMetric, DATA_ALERT_METRIC, METRICS_NAMESPACE } from '../../core';

/**
 * Every metric streamtally alarms on or graphs, in one place, each scoped to the
 * dimensions of the one resource it describes. They carry no label: a labelled
 * metric makes CDK render an alarm in the `Metrics` form; the dashboard labels them
 * with the alarm's name (statistic and unit).
 */

const { Stats } = cloudwatch;

/** The DynamoDB operations the consumer calls (lambdas/aggregator/store): the ones whose throttling slows it down. */
export const CONSUMER_TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem'] as const;

/** Lambda metrics of a consumer function (AWS/Lambda, dimension FunctionName). */
export const consumerFunctionMetrics = {
  /** How old the last record of each batch was when Lambda read it: consumer lag. */
  maxIteratorAgeMs: (fn: lambda.IFunction, period: Duration) => fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period }),
  errorCount: (fn: lambda.IFunction, period: Duration) => fn.metricErrors({ statistic: Stats.SUM, period }),
  throttleCount: (fn: lambda.IFunction, period: Duration) => fn.metricThrottles({ statistic: Stats.SUM, period }),
  invocationCount: (fn: lambda.IFunction, period: Duration) => fn.metricInvocations({ statistic: Stats.SUM, period }),
  p99DurationMs: (fn: lambda.IFunction, period: Duration) => fn.metricDuration({ statistic: Stats.p(99), period }),
  /** Errors per 100 invocations; no value while the function is not invoked. */
  errorRatePercent: (fn: lambda.IFunction, period: Duration) =>
    new cloudwatch.MathExpression({
      expression: '100 * errors / invocations',
      usingMetrics: {
        errors: consumerFunctionMetrics.errorCount(fn, period),
        invocations: consumerFunctionMetrics.invocationCount(fn, period),
      },
      period,
    }),
};

/**
 * Event source mapping metrics (AWS/Lambda, dimension EventSourceMappingUUID), emitted
 * once the mapping's MetricsConfig holds `EventCount`.
 */
export const eventSourceMappingMetrics = {
  /** Records Lambda gave up on (retries exhausted, or older than the maximum record age) and wrote to the on-failure destination. */
  onFailureRecordCount: (mappingUuid: string, period: Duration) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OnFailureDestinationDeliveredEventCount',
      dimensionsMap: { EventSourceMappingUUID: mappingUuid },
      statistic: Stats.SUM,
      period,
    }),
  /** Records Lambda gave up on and could not deliver anywhere: lost to the pipeline. */
  droppedRecordCount: (mappingUuid: string, period: Duration) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'DroppedEventCount',
      dimensionsMap: { EventSourceMappingUUID: mappingUuid },
      statistic: Stats.SUM,
      period,
    }),
};

/** The consumer's own EMF metrics (namespace streamtally, dimension service = the consumer name). */
export const consumerEmfMetrics = {
  /** Per batch: commit time minus the oldest event time in it (lambdas/aggregator/publishBatchMetrics.ts). */
  p99FreshnessMs: (consumerName: string, period: Duration) => emf(consumerName, AggregatorMetric.eventFreshnessMs, Stats.p(99), period),
  /** Per batch: commit time minus the oldest arrival in Kinesis. */
  p99ArrivalFreshnessMs: (consumerName: string, period: Duration) =>
    emf(consumerName, AggregatorMetric.arrivalFreshnessMs, Stats.p(99), period),
  p99BatchProcessingMs: (consumerName: string, period: Duration) =>
    emf(consumerName, AggregatorMetric.batchProcessingMs, Stats.p(99), period),
  quarantinedRecordCount: (consumerName: string, period: Duration) =>
    emf(consumerName, AggregatorMetric.recordsQuarantined, Stats.SUM, period),
};

/**
 * The series a data alert watches (docs/measures.md): the consumer publishes the
 * watched cell's value after every batch that changes it, dimension `Alert` only,
 * so that there is one metric per declared alert.
 */
export const dataAlertMetrics = {
  maxValue: (alertName: string, period: Duration, namespace: string = METRICS_NAMESPACE) =>
    new cloudwatch.Metric({
      namespace,
      metricName: DATA_ALERT_METRIC,
      dimensionsMap: { Alert: alertName },
      statistic: Stats.MAXIMUM,
      period,
    }),
};

function emf(consumerName: string, metricName: string, statistic: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: consumerName }, statistic, period });
}

/** Kinesis stream metrics (AWS/Kinesis, dimension StreamName). */
export const streamMetrics = {
  incomingRecordCount: (stream: kinesis.IStream, period: Duration) => stream.metricIncomingRecords({ statistic: Stats.SUM, period }),
  /** GetRecords calls throttled: the consumers together read more than the shard serves. */
  readThrottleCount: (stream: kinesis.IStream, period: Duration) =>
    stream.metricReadProvisionedThroughputExceeded({ statistic: Stats.SUM, period }),
  /** PutRecord(s) records rejected for exceeding the shard's write throughput. */
  writeThrottleCount: (stream: kinesis.IStream, period: Duration) =>
    stream.metricWriteProvisionedThroughputExceeded({ statistic: Stats.SUM, period }),
  putRecordsFailedRecordCount: (stream: kinesis.IStream, period: Duration) =>
    stream.metricPutRecordsFailedRecords({ statistic: Stats.SUM, period }),
  putRecordsThrottledRecordCount: (stream: kinesis.IStream, period: Duration) =>
    stream.metricPutRecordsThrottledRecords({ statistic: Stats.SUM, period }),
  /** Age of the oldest record read by any consumer (all consumers of the stream together). */
  maxGetRecordsIteratorAgeMs: (stream: kinesis.IStream, period: Duration) =>
    stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: Stats.MAXIMUM, period }),
  /** An enhanced fan-out consumer's distance from the tip (AWS/Kinesis, StreamName + ConsumerName). */
  maxMillisBehindLatestMs: (stream: kinesis.IStream, consumer: kinesis.IStreamConsumer, period: Duration) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Kinesis',
      metricName: 'SubscribeToShardEvent.MillisBehindLatest',
      dimensionsMap: { StreamName: stream.streamName, ConsumerName: consumer.streamConsumerName },
      statistic: Stats.MAXIMUM,
      period,
    }),
};

/**
 * DynamoDB table metrics summed over the consumer's operations (AWS/DynamoDB,
 * dimensions TableName + Operation). FILL(…, 0) gives the sum a value in every
 * period: DynamoDB publishes these metrics only when they are non-zero, and
 * CloudWatch ignores missing data on AWS/DynamoDB metrics whatever the alarm says,
 * which would leave an alarm in ALARM after the throttling ended.
 */
export const tableMetrics = {
  throttledRequestCount: (table: dynamodb.ITable, period: Duration) => sumOverOperations(table, 'ThrottledRequests', period),
  systemErrorCount: (table: dynamodb.ITable, period: Duration) => sumOverOperations(table, 'SystemErrors', period),
};

function sumOverOperations(table: dynamodb.ITable, metricName: string, period: Duration): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const operation of CONSUMER_TABLE_OPERATIONS) {
    usingMetrics[`${lowerFirst(metricName)}${operation}`] = new cloudwatch.Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: table.tableName, Operation: operation },
      statistic: Stats.SUM,
      period,
    });
  }
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics,
    period,
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
