import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig, startS3Emulator, type RunningEmulator } from '../../../src/local/emulators';
import { countQuarantined } from '../../../src/demo/readTotals';
import { QUARANTINE_PREFIX } from '../../../lambdas/aggregator/store/S3QuarantineSink';

/**
 * The soak run found it: s3rver encrypts ListObjects continuation tokens with DES, which
 * Node's OpenSSL 3 refuses by default, so a quarantine of more than 1,000 records could
 * not be listed (InternalError) by `streamtally quarantine list`, the demo's conservation
 * check or anything else reading the local bucket.
 */
const root = mkdtempSync(path.join(tmpdir(), 'streamtally-s3-listing-'));
let emulator: RunningEmulator | undefined;
afterAll(async () => {
  await emulator?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the S3 emulator', () => {
  it('lists a quarantine of more than 1,000 records, page after page', async () => {
    emulator = await startS3Emulator({ dataDir: root });
    const s3 = new S3Client({ ...localClientConfig(emulator.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'quarantine' }));
    const reasons = ['invalid', 'late', 'future'] as const;
    for (let n = 0; n < 1_010; n++) {
      const reason = reasons[n % 3]!;
      await s3.send(
        new PutObjectCommand({
          Bucket: 'quarantine',
          Key: `${QUARANTINE_PREFIX}consumer/shardId-000000000000/${String(n).padStart(6, '0')}.json`,
          Body: JSON.stringify({ reason }),
        }),
      );
    }
    expect(await countQuarantined(s3, 'quarantine')).toEqual({ invalid: 337, late: 337, future: 336 });
    s3.destroy();
  }, 120_000);
});
