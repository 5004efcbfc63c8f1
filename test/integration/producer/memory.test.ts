import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../../src/producer/Producer';
import { FaultProxy } from './support/FaultProxy';
import { createStream, kinesisClient, readStream } from './support/streamRecords';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { capacityPlan } from './support/plans';

// Memory is measured after a forced collection, so that it shows what is retained, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let kinesis: TestKinesis;
let proxy: FaultProxy;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  proxy = await FaultProxy.start(kinesis.endpoint);
});

afterAll(async () => {
  await proxy?.close();
  await kinesis?.close();
});

describe('Producer memory under overload', () => {
  it('holds at most maxBufferedEvents when the caller offers ten times what the stream accepts', async () => {
    // Prepare: a stream taking 400 records per second; a caller offering 4,000 per second for 4 s,
    // with 4 KB events, which unbounded would pile up ~14,000 events (~60 MB) in the buffer;
    // bounded, 200 events are under 1 MB, plus the requests in flight (base64 bodies, this process's proxy).
    const capacity = 400;
    const maxBufferedEvents = 200;
    await createStream(kinesis.kinesis, 'producer-memory', 1);
    proxy.reset(capacityPlan(capacity));
    const client = kinesisClient(proxy.endpoint);
    const producer = new Producer({ streamName: 'producer-memory', client, maxBufferedEvents });
    const padding = 'x'.repeat(4_096);
    // Retained memory; record bytes live in Buffers, outside the V8 heap, so count both.
    const memory = () => {
      collectGarbage();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const memoryBefore = memory();
    let peakMemory = memoryBefore;
    let peakBuffered = 0;
    const sampler = setInterval(() => {
      peakMemory = Math.max(peakMemory, memory());
      peakBuffered = Math.max(peakBuffered, producer.counts().buffered);
    }, 250);

    // Act: the caller paces itself at 10× the capacity and awaits each send
    const start = Date.now();
    let offered = 0;
    while (Date.now() - start < 4_000) {
      const due = ((Date.now() - start) * capacity * 10) / 1000;
      while (offered < due && Date.now() - start < 4_000) {
        await producer.send({ id: `m-${offered}`, type: 'page_view', key: `key-${offered % 50}`, ts: Date.now(), attrs: { padding } });
        offered += 1;
        peakBuffered = Math.max(peakBuffered, producer.counts().buffered);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsedSeconds = (Date.now() - start) / 1000;
    const report = await producer.close();
    clearInterval(sampler);
    client.destroy();
    const stored = await readStream(kinesis.kinesis, 'producer-memory');

    // Assess: the bound held, the caller was held back, and nothing was lost
    expect(peakBuffered).toBeLessThanOrEqual(maxBufferedEvents);
    expect(offered).toBeLessThan(capacity * (elapsedSeconds + 1) + maxBufferedEvents);
    expect(offered).toBeLessThan(capacity * 10 * elapsedSeconds * 0.5);
    // An unbounded buffer would have held every event offered beyond what the stream took.
    const unboundedBytes = (capacity * 10 * elapsedSeconds - offered) * (padding.length + 100);
    expect(unboundedBytes).toBeGreaterThan(2.5 * 20 * 1_048_576);
    expect(peakMemory - memoryBefore).toBeLessThan(20 * 1_048_576);
    expect(report).toMatchObject({ sent: offered, failed: 0 });
    expect(stored).toHaveLength(offered);
    // No retry storm: fewer throttled attempts than records delivered.
    expect(report.throttled).toBeLessThan(report.sent);
  });
});
