import { PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Producer } from './src/producer';
import { SyntheticEvents } from './src/synthetic';
import { startKinesisLocal, createStream, kinesisClient } from './test/integration/producer/support/kinesisLocal';
async function main() {
  const k = await startKinesisLocal();
  const N = 20_000;
  const gen = new SyntheticEvents({ seed: 1, runId: 'b' });
  const events = Array.from({ length: N }, () => { const it = gen.next(Date.now()); return it.kind === 'event' ? it.event : undefined; }).filter(Boolean) as any[];
  for (let round = 0; round < 2; round++) {
  await createStream(k.client, `hand${round}`, 2);
  const c = kinesisClient(k.endpoint);
  let t = Date.now();
  for (let i = 0; i < events.length; i += 500) {
    await c.send(new PutRecordsCommand({ StreamName: `hand${round}`, Records: events.slice(i, i + 500).map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: e.key })) }));
  }
  const hand = events.length / ((Date.now() - t) / 1000);
  await createStream(k.client, `prod${round}`, 2);
  const p = new Producer({ streamName: `prod${round}`, client: c });
  t = Date.now();
  for (const e of events) await p.send(e);
  const r = await p.close();
  const prod = events.length / ((Date.now() - t) / 1000);
  await createStream(k.client, `single${round}`, 2);
  t = Date.now();
  for (const e of events.slice(0, 1000)) await c.send(new PutRecordCommand({ StreamName: `single${round}`, Data: Buffer.from(JSON.stringify(e)), PartitionKey: e.key }));
  const single = 1000 / ((Date.now() - t) / 1000);
  console.log({ hand: Math.round(hand), prod: Math.round(prod), single: Math.round(single), ratioHand: (prod / hand).toFixed(2), ratioSingle: (prod / single).toFixed(1), requests: r.requests, sent: r.sent });
  }
  await k.stop();
}
main();
