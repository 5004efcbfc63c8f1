/**
 * The shared core of streamtally, and its only public surface: the event
 * contract (docs/contract.md §1), the DynamoDB item layout, the metric and
 * environment names, and the windows. Everything outside `core/` imports it
 * from here (test/unit/core/coreBoundary.test.ts fails on a deep import).
 *
 * Pure: no AWS SDK, no I/O, no clock (time is passed in), so the Lambda
 * bundle, the CDK app and the CLI can all take it whole.
 */
export * from './types';
export * from './errors';
export * from './duration';
export * from './granularity';
export * from './sequenceNumber';
export * from './exactDecimal';
export * from './decodeRecord';
export * from './classifyRecord';
export * from './judgeLateness';
export * from './dropBatchDuplicates';
export * from './buildItemDeltas';
export * from './cellPages';
export * from './rankTopKeys';
export * from './itemKeys';
export * from './metricNames';
export * from './environment';
export * from './measures';
export * from './readEventField';
export * from './typeMeasures';
export * from './dimensionBuckets';
export * from './deriveCellEvents';
export * from './sketches';
export * from './parseMeasuresConfig';
export * from './alertCells';
export * from './distinctSketches';
