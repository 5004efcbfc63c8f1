import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { aggregatePk, CLAIM_SK, claimPk, windowSk } from '../../../lambdas/aggregator/core/itemKeys';
import type { Target } from '../../../src/cli/targets/Target';
import { listQuarantined } from '../../../src/quarantine/listQuarantined';
import { GRANULARITIES, type Granularity, type RunEvents } from './runEvents';

/** The consumer the stack deploys; its claims are keyed by its name. */
const CONSUMER = 'aggregator';

/** What {@link cleanUpRun} deleted. */
export interface CleanUpReport {
  readonly aggregates: number;
  readonly claims: number;
  readonly quarantined: number;
}

/**
 * Deletes what one run of the suite wrote, and nothing else: its aggregate items
 * (its own type, its three keys, its windows), the producer-id claims of its ids,
 * and the quarantined records that carry its run id. Kinesis records cannot be
 * deleted; they expire with the stream's retention. Checkpoints are the
 * consumer's and stay. Deleting what is not there is not an error, so this can
 * run twice.
 */
export async function cleanUpRun(target: Target, run: RunEvents): Promise<CleanUpReport> {
  const { aggregatesTable, checkpointTable, quarantineBucket } = target.resources;
  let aggregates = 0;
  for (const granularity of Object.keys(GRANULARITIES) as Granularity[]) {
    for (const row of run.expectedRows[granularity]) {
      await target.dynamo.send(
        new DeleteItemCommand({ TableName: aggregatesTable, Key: { pk: { S: aggregatePk(run.type, granularity, row.key) }, sk: { S: windowSk(Date.parse(row.windowStart)) } } }),
      );
      aggregates += 1;
    }
  }
  let claims = 0;
  for (const id of run.ids) {
    await target.dynamo.send(new DeleteItemCommand({ TableName: checkpointTable, Key: { pk: { S: claimPk(CONSUMER, id) }, sk: { S: CLAIM_SK } } }));
    claims += 1;
  }
  let quarantined = 0;
  for (const entry of await listQuarantined(target.s3, quarantineBucket)) {
    if (!Buffer.from(entry.document.data, 'base64').toString('utf8').includes(run.runId)) continue;
    await target.s3.send(new DeleteObjectCommand({ Bucket: quarantineBucket, Key: entry.objectKey }));
    quarantined += 1;
  }
  return { aggregates, claims, quarantined };
}
