const { KinesisClient, ListStreamsCommand, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand } = require('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const c = new KinesisClient({ endpoint: 'http://127.0.0.1:45671', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
(async () => {
  console.log(await c.send(new ListStreamsCommand({})).then(r=>r.StreamNames));
  if (process.argv[2]==='create') {
    await c.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 2 }));
    await new Promise(r=>setTimeout(r,700));
    console.log((await c.send(new DescribeStreamSummaryCommand({ StreamName: 's1' }))).StreamDescriptionSummary.StreamStatus);
    console.log(await c.send(new PutRecordCommand({ StreamName: 's1', PartitionKey: 'a', Data: Buffer.from('x') })));
  }
})().catch(e => { console.error(e); process.exit(1); });
