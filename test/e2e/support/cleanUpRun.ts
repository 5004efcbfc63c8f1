import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { aggregatePk, cellPagePk, CLAIM_SK, claimPk, topKeysPk, windowSk } from '../../../core';
import type { Target } from '../../../src/cli/targets/Target';
import { listQuarantined } from '../../../src/quarantine/listQuarantined';
import { GRANULARITIES, type Granularity, type RunEvents } from './runEvents';

/** The consumer the stack deploys; its claims are keyed by its name. */
const CONSUMER = 'aggregator';

/** What {@link cleanUpRun} deleted. */
export interface CleanUpReport {
  readonly aggregates: number;
  readonly leaderboards: number;
  readonly claims: number;
  readonly quarantined: number;
}

/**
 * Deletes what one run of the suite wrote, and nothing else: its aggregate items
 * (its own type, its three keys, its windows) and its type's leaderboards and cell pages, the
 * producer-id claims of its ids (written with a parallelization factor above 1),
 * and the quarantined records that carry its run id. Kinesis records cannot be
 * deleted; they expire with the stream's retention. Checkpoints and the
 * seen-id ledger are the consumer's and stay (ledger entries hold only digests
 * of ids, may hold other producers' too, and expire by TTL). Deleting what is not there is not an error, so this can
 * run twice.
 */
export async function cleanUpRun(target: Target, run: RunEvents): Promise<CleanUpReport> {
  const { aggregatesTable, checkpointTable, quarantineBucket } = target.resources;
  let aggregates = 0;
  const boards = new Set<string>();
  for (const granularity of Object.keys(GRANULARITIES) as Granularity[]) {
    for (const row of run.expectedRows[granularity]) {
      await target.dynamo.send(
        new DeleteItemCommand({
          TableName: aggregatesTable,
          Key: { pk: { S: aggregatePk(run.type, granularity, row.key) }, sk: { S: windowSk(Date.parse(row.windowStart)) } },
        }),
      );
      aggregates += 1;
      boards.add(`${granularity}|${row.windowStart}`);
    }
  }
  for (const board of boards) {
    const [granularity, windowStart] = board.split('|') as [string, string];
    // The window's leaderboard and its cell page (core/cellPages.ts): the run's type is its own.
    for (const pk of [topKeysPk(run.type, granularity), cellPagePk(run.type, granularity)]) {
      await target.dynamo.send(
        new DeleteItemCommand({ TableName: aggregatesTable, Key: { pk: { S: pk }, sk: { S: windowSk(Date.parse(windowStart)) } } }),
      );
    }
  }
  let claims = 0;
  for (const id of run.ids) {
    await target.dynamo.send(
      new DeleteItemCommand({ TableName: checkpointTable, Key: { pk: { S: claimPk(CONSUMER, id) }, sk: { S: CLAIM_SK } } }),
    );
    claims += 1;
  }
  let quarantined = 0;
  for (const entry of await listQuarantined(target.s3, quarantineBucket)) {
    if (!Buffer.from(entry.document.data, 'base64').toString('utf8').includes(run.runId)) continue;
    await target.s3.send(new DeleteObjectCommand({ Bucket: quarantineBucket, Key: entry.objectKey }));
    quarantined += 1;
  }
  return { aggregates, leaderboards: boards.size, claims, quarantined };
}
