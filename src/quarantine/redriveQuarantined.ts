import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineEntry } from './listQuarantined';

/** What a re-drive did. */
export interface RedriveReport {
  readonly sent: number;
  readonly failed: readonly { readonly sequenceNumber: string; readonly error: string }[];
}

const PUT_RECORDS_LIMIT = 500;
const MAX_ATTEMPTS = 5;

/**
 * Sends quarantined records back to the stream with their original bytes and
 * partition key, then deletes each one that Kinesis accepted. A record is
 * deleted only after it is on the stream, so a crash in between can at worst
 * send it twice, and the consumer drops the second copy by its `id`.
 */
export async function redriveQuarantined(
  entries: readonly QuarantineEntry[],
  clients: { kinesis: KinesisClient; s3: S3Client },
  names: { streamName: string; bucket: string },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<RedriveReport> {
  let sent = 0;
  const failed: { sequenceNumber: string; error: string }[] = [];
  for (let start = 0; start < entries.length; start += PUT_RECORDS_LIMIT) {
    let pending = entries.slice(start, start + PUT_RECORDS_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const response = await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: names.streamName,
          Records: pending.map(({ document }) => ({ Data: Buffer.from(document.data, 'base64'), PartitionKey: document.partitionKey })),
        }),
      );
      const retry: QuarantineEntry[] = [];
      for (const [index, result] of (response.Records ?? []).entries()) {
        const entry = pending[index];
        if (!result.ErrorCode) {
          await clients.s3.send(new DeleteObjectCommand({ Bucket: names.bucket, Key: entry.objectKey }));
          sent += 1;
        } else if (attempt < MAX_ATTEMPTS) {
          retry.push(entry);
        } else {
          failed.push({ sequenceNumber: entry.document.sequenceNumber, error: `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`.trim() });
        }
      }
      pending = retry;
      if (pending.length > 0) await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
  return { sent, failed };
}
