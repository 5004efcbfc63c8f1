import type { CostResult } from './measureCost';
import { batchSizeSweepRows, sweepWorkloads } from './batchSizeSweepRows';
import { PRICES, type Price } from './prices';

const RATES = [100, 1_000, 10_000] as const;
const SECONDS_PER_MONTH = 30 * 86_400;

const money = (usd: number) =>
  `$${usd.toLocaleString('en-US', { maximumFractionDigits: usd < 10 ? 2 : 0, minimumFractionDigits: usd < 10 ? 2 : 0 })}`;
const priceText = (price: Price) => {
  if (price.usd === undefined) return 'not found';
  const per = price.quotedPer ?? 1e6;
  return per === 1 ? `$${price.usd} each` : `$${(price.usd * per).toFixed(3)} per million`;
};

/**
 * docs/cost.md from one cost run: the DynamoDB part of the monthly bill at
 * 100, 1,000 and 10,000 events/s per workload (4 shards, dedup on and off)
 * and for the Powertools way, from billed units per event × events per month
 * × the on-demand unit prices; every price with its source and date, and the
 * parts whose price was not found named as such.
 */
export function renderCostDoc(result: CostResult, generatedAt: string, stack: DeployedStackShape): string {
  const month = (unitsPerEvent: number, price: Price, rate: number) =>
    price.usd === undefined ? undefined : unitsPerEvent * rate * SECONDS_PER_MONTH * price.usd;
  const dynamoMonth = (figures: { writeUnitsPerEvent: number; readUnitsPerEvent: number }, rate: number) =>
    month(figures.writeUnitsPerEvent, PRICES.dynamoWriteRequestUnit, rate)! +
    month(figures.readUnitsPerEvent, PRICES.dynamoReadRequestUnit, rate)!;
  const rows: string[] = [];
  for (const [workload, byShards] of Object.entries(result.runs)) {
    for (const [shards, pair] of Object.entries(byShards)) {
      for (const dedup of ['on', 'off'] as const) {
        const figures = pair[dedup];
        rows.push(
          `| streamtally, ${workload}, ${shards} shard(s), dedup ${dedup} | ${figures.writeUnitsPerEvent.toFixed(3)} | ${figures.readUnitsPerEvent.toFixed(3)} | ${RATES.map((rate) => money(dynamoMonth(figures, rate))).join(' | ')} |`,
        );
      }
    }
    for (const [shards, figures] of Object.entries(result.perKeyLayout[workload as keyof CostResult['perKeyLayout']] ?? {})) {
      rows.push(
        `| per-key items only (before cell pages), ${workload}, ${shards} shard(s), dedup on | ${figures.writeUnitsPerEvent.toFixed(3)} | ${figures.readUnitsPerEvent.toFixed(3)} | ${RATES.map((rate) => money(dynamoMonth(figures, rate))).join(' | ')} |`,
      );
    }
    const powertools = result.powertools[workload as keyof CostResult['powertools']];
    rows.push(
      `| Powertools way, ${workload} | ${powertools.writeUnitsPerEvent.toFixed(3)} | ${powertools.readUnitsPerEvent.toFixed(3)} | ${RATES.map((rate) => money(dynamoMonth(powertools, rate))).join(' | ')} |`,
    );
  }
  return `# What streamtally costs on AWS

Generated ${generatedAt} by \`npm run -s bench -- --only cost --write-cost-doc\` from a run of the billing meter
(bench/cost): ${result.eventsPerRun} Kinesis records per run, batch size ${result.batchSize}, ${(result.producerRetryRate * 100).toFixed(0)} % producer retries,
every DynamoDB request the real adapters sent to dynalite priced by DynamoDB's documented on-demand rules
(see bench/cost/pricing.ts for the rules and their sources). A month is 30 days.

## DynamoDB, per month (on-demand, us-east-1)

| run | write units / event | read units / event | 100 events/s | 1,000 events/s | 10,000 events/s |
|---|---|---|---|---|---|
${rows.join('\n')}

Ratio of streamtally's billed write units per event to the Powertools way's (zipf, 1 shard, dedup on): ${result.ratioToPowertools.headline.toFixed(3)}.

## The item layout: cell pages

DynamoDB bills a write by the size of the item, in 1 KB units, and a key's cell is a few dozen bytes: an
item per (type, key, granularity, window) pays a whole unit for each key a batch touches. So a window's
first keys share one item, its cell page ([exactly-once](exactly-once.md)), written once per batch that touches
the window, and take no leaderboard writes (readers rank the page's keys from the page). A page's cells are
stored deflated: keys of one type share much of their text, and a page is rewritten whole by each batch that
touches it, so compression divides every page write. Once a page reaches its limit (4 KB before compression,
up to \`pageBudgetBytes\`, default 131072, for batches dense enough to pay for it) the window's further keys get
items of their own, as before. The workload's keys are paths (\`/catalog/item-0042\`); keys that share less
text compress less, and a page then costs more units per write (at most its size before compression). The rows
"per-key items only" above are the same events through the same consumer with \`pageBudgetBytes: 0\`, the
layout before cell pages, priced in the same run: ${layoutRatios(result)}.

Those runs are short: in ${result.eventsPerRun} records a window rarely holds more keys than its page, and a
stream that has run for hours does. Plan with the steady-state figures of the next section, where the first
${result.batchSizeSweep.warmupRecords} of ${result.batchSizeSweep.eventsPerRun} records go unpriced: at batch ${result.batchSize}, ${steadyAtDefaultBatch(result)}.

## The batching trade: fewer writes for later numbers

Every batch writes each window's page, and each item of a key beyond it, once, however many of its events
fall in it, so a larger batch folds more events into each write. It costs freshness: the event source mapping
holds a batch open until it is full or \`maxBatchingWindowSeconds\` has passed, so a batch of B records on a
shard receiving r records/s needs a window of B / r seconds. Set both in the stack configuration
([configuration](configuration.md): \`batchSize\`, \`maxBatchingWindowSeconds\`, and raise \`freshnessSlaMs\` with them).
Same consumer, same meter, 1 shard, dedup on, ${result.batchSizeSweep.eventsPerRun} records per run of which the first
${result.batchSizeSweep.warmupRecords} go unpriced (they create the hour's and the day's items, which a running stream pays
once an hour or a day, not per batch), so these are steady-state figures; the DynamoDB bill is for 1,000 events/s
of one workload.

| batch size | window it needs at 1,000 records/s per shard | ${sweepWorkloads(result.batchSizeSweep)
    .map((workload) => `${workload}: write units / event | ${workload}: DynamoDB per month at 1,000 events/s`)
    .join(' | ')} |
|---|---|${sweepWorkloads(result.batchSizeSweep)
    .map(() => '---|---|')
    .join('')}
${batchSizeSweepRows(result.batchSizeSweep, (figures) => money(dynamoMonth(figures, 1_000))).join('\n')}

## What the declared measures add

${measuresSection(result, (figures, rate) => money(dynamoMonth(figures, rate)))}

## Lambda and CloudWatch, per month

${lambdaAndCloudWatchSection(stack)}

## Kinesis and Managed Service for Apache Flink

Not priced: their unit prices were not found with a source and a date, so no figure is given for them
(the table below says what each is billed by). A Managed Flink application is billed per KPU-hour (1 vCPU,
4 GB) plus one KPU per application for orchestration, in one-second increments with a ten-minute minimum
(https://docs.aws.amazon.com/managed-flink/latest/java/how-pricing.html); its hourly KPU price was not found.

## Prices used

| billed by | price | source | as of |
|---|---|---|---|
${Object.values(PRICES)
  .map((price: Price) => `| ${price.unit} | ${priceText(price)} | ${price.source} | ${price.asOf} |`)
  .join('\n')}
`;
}

/** The sweep's write units per event at the default batch size, per workload. */
function steadyAtDefaultBatch(result: CostResult): string {
  return Object.entries(result.batchSizeSweep.runs)
    .map(([workload, byBatch]) => {
      const figures = byBatch[String(result.batchSize)];
      return figures === undefined ? undefined : `${workload} ${figures.writeUnitsPerEvent.toFixed(3)} write units per event`;
    })
    .filter((text) => text !== undefined)
    .join(', ');
}

/** "cell pages ÷ per-key items" per workload and shard count, in write units per event. */
function layoutRatios(result: CostResult): string {
  return Object.entries(result.ratioToPerKeyLayout)
    .flatMap(([workload, byShards]) =>
      Object.entries(byShards).map(([shards, ratio]) => `${workload} ${shards} shard(s) ${ratio.toFixed(3)}×`),
    )
    .join(', ');
}

/** The measures' rows: the same events with nothing declared and with the bench's declaration. */
function measuresSection(
  result: CostResult,
  monthly: (figures: { writeUnitsPerEvent: number; readUnitsPerEvent: number }, rate: number) => string,
): string {
  const { measures } = result;
  const row = (label: string, figures: { writeUnitsPerEvent: number; readUnitsPerEvent: number }) =>
    `| ${label} | ${figures.writeUnitsPerEvent.toFixed(3)} | ${figures.readUnitsPerEvent.toFixed(3)} | ${RATES.map((rate) => monthly(figures, rate)).join(' | ')} |`;
  return `The zipf workload with a user, a country and a latency in every event (${measures.eventsPerRun} records, 1 shard,
dedup on), priced with nothing declared and with [measures](measures.md) declared on ${measures.declaration}.
The measures add ${measures.addedWriteUnitsPerEvent.toFixed(3)} write units and ${measures.addedReadUnitsPerEvent.toFixed(3)} read units per event.

| run | write units / event | read units / event | 100 events/s | 1,000 events/s | 10,000 events/s |
|---|---|---|---|---|---|
${row('nothing declared', measures.plain)}
${row('measures declared', measures.declared)}
${row(`nothing declared, steady state (first ${measures.steady.warmupRecords} records unpriced)`, measures.steady.plain)}
${row('measures declared, steady state', measures.steady.declared)}

In the steady state (the run's items exist already, as in a stream that has been running) the
measures add ${measures.steady.addedWriteUnitsPerEvent.toFixed(3)} write units and ${measures.steady.addedReadUnitsPerEvent.toFixed(3)} read units per event.`;
}

/** What of the deployed stack the Lambda and CloudWatch lines price: its defaults and its alarms. */
export interface DeployedStackShape {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** `AWS::CloudWatch::Alarm` resources in the default stack's template. */
  readonly alarms: number;
}

/** Kinesis accepts at most 1,000 records/s per shard, so the stream needs at least rate ÷ 1,000 shards. */
const RECORDS_PER_SECOND_PER_SHARD = 1_000;
const DEFAULT_SHARDS = 4;

/**
 * Lambda requests and CloudWatch alarms at each rate. A shard's mapping
 * invokes the consumer when a batch is full or its batching window has passed,
 * so each shard with traffic costs max(1 ÷ window, its rate ÷ batch size)
 * invocations per second. Duration (GB-seconds) is not estimated: on AWS it is
 * set by DynamoDB's latency, which the emulators do not reproduce.
 */
function lambdaAndCloudWatchSection(stack: DeployedStackShape): string {
  const rows = RATES.map((rate) => {
    const shards = Math.max(DEFAULT_SHARDS, Math.ceil(rate / RECORDS_PER_SECOND_PER_SHARD));
    const perShard = Math.max(1 / Math.max(stack.maxBatchingWindowSeconds, 1), rate / shards / stack.batchSize);
    const invocationsPerMonth = shards * perShard * SECONDS_PER_MONTH;
    const requests = invocationsPerMonth * PRICES.lambdaRequest.usd;
    const alarms = stack.alarms * PRICES.cloudWatchAlarm.usd;
    return `| ${rate.toLocaleString('en-US')} events/s | ${shards} | ${(invocationsPerMonth / 1e6).toFixed(1)} million | ${money(requests)} | not estimated | ${stack.alarms} | ${money(alarms)} |`;
  });
  return `Batch size ${stack.batchSize} and batching window ${stack.maxBatchingWindowSeconds} s (the defaults), ${DEFAULT_SHARDS} shards or as many as the
rate needs at ${RECORDS_PER_SECOND_PER_SHARD.toLocaleString('en-US')} records/s each. Both are small beside DynamoDB's line. The custom
metrics the consumer publishes (EMF) are not counted here.

| rate | shards | consumer invocations | Lambda requests | Lambda duration | alarms in the default stack | CloudWatch alarms |
|---|---|---|---|---|---|---|
${rows.join('\n')}`;
}
