import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';

/** How one API call went: answered as expected, failed (with why), or no answer within the timeout. */
export interface ApiCallOutcome {
  readonly call: string;
  readonly outcome: 'ok' | 'error' | 'hung';
  readonly detail?: string;
}

const TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Kinesis calls of the local stack (provisioning, the event source mapping), the
 * tests (resharding, AT_TIMESTAMP) and the producer (PutRecords), plus CBOR, the wire
 * format of the Java KPL/KCL; each must answer within 10 s.
 */
export async function probeApiCalls(client: KinesisClient, endpoint: string): Promise<ApiCallOutcome[]> {
  const outcomes: ApiCallOutcome[] = [];
  const check = async (call: string, run: (signal: AbortSignal) => Promise<string | undefined>) => {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    try {
      const problem = await run(signal);
      outcomes.push(problem ? { call, outcome: 'error', detail: problem } : { call, outcome: 'ok' });
    } catch (error) {
      outcomes.push(
        signal.aborted
          ? { call, outcome: 'hung', detail: `no answer in ${TIMEOUT_MS / 1000} s` }
          : { call, outcome: 'error', detail: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 160) },
      );
    }
  };
  const active = async (StreamName: string, signal: AbortSignal) => {
    for (let i = 0; i < 100; i++) {
      const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName }), { abortSignal: signal }))
        .StreamDescriptionSummary;
      if (summary?.StreamStatus === 'ACTIVE') return summary;
      await sleep(50);
    }
    throw new Error(`${StreamName} not ACTIVE`);
  };
  const iterator = async (StreamName: string, type: 'TRIM_HORIZON' | 'AT_TIMESTAMP', signal: AbortSignal, Timestamp?: Date) =>
    (
      await client.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: type, Timestamp }), {
        abortSignal: signal,
      })
    ).ShardIterator;

  await check('CreateStream PROVISIONED with StreamModeDetails', async (signal) => {
    await client.send(new CreateStreamCommand({ StreamName: 'probe', ShardCount: 2, StreamModeDetails: { StreamMode: 'PROVISIONED' } }), {
      abortSignal: signal,
    });
    await active('probe', signal);
    return undefined;
  });
  await check('CreateStream ON_DEMAND', async (signal) => {
    await client.send(new CreateStreamCommand({ StreamName: 'probe-on-demand', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }), {
      abortSignal: signal,
    });
    const summary = await active('probe-on-demand', signal);
    return summary.StreamModeDetails?.StreamMode === 'ON_DEMAND'
      ? undefined
      : `StreamModeDetails reported: ${JSON.stringify(summary.StreamModeDetails)}`;
  });
  await check('ListStreams, ListShards', async (signal) => {
    await client.send(new ListStreamsCommand({}), { abortSignal: signal });
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: 'probe' }), { abortSignal: signal });
    return Shards.length === 2 ? undefined : `${Shards.length} shards listed, 2 expected`;
  });
  let putAtSeconds = 0;
  await check('PutRecord, PutRecords', async (signal) => {
    putAtSeconds = Date.now() / 1000;
    await client.send(new PutRecordCommand({ StreamName: 'probe', PartitionKey: 'a', Data: Buffer.from('x'), ExplicitHashKey: '0' }), {
      abortSignal: signal,
    });
    // Later than the first record by a few ms: a page of that record alone is behind the tip.
    await sleep(10);
    const Records = Array.from({ length: 20 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`), ExplicitHashKey: '0' }));
    const answer = await client.send(new PutRecordsCommand({ StreamName: 'probe', Records }), { abortSignal: signal });
    return answer.FailedRecordCount ? `${answer.FailedRecordCount} failed` : undefined;
  });
  await check('GetRecords full page: MillisBehindLatest > 0', async (signal) => {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: await iterator('probe', 'TRIM_HORIZON', signal), Limit: 1 }), {
      abortSignal: signal,
    });
    return (page.MillisBehindLatest ?? 0) > 0
      ? undefined
      : `MillisBehindLatest ${page.MillisBehindLatest} with 20 later records after the page`;
  });
  await check('GetShardIterator AT_TIMESTAMP, before the records', async (signal) => {
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: await iterator('probe', 'AT_TIMESTAMP', signal, new Date((putAtSeconds - 5) * 1000)) }),
      { abortSignal: signal },
    );
    return page.Records?.length === 21 ? undefined : `${page.Records?.length} records read, 21 expected`;
  });
  await check('GetShardIterator AT_TIMESTAMP, after the last record', async (signal) => {
    await sleep(20);
    const page = await client.send(new GetRecordsCommand({ ShardIterator: await iterator('probe', 'AT_TIMESTAMP', signal, new Date()) }), {
      abortSignal: signal,
    });
    return page.Records?.length === 0 ? undefined : `${page.Records?.length} records read, 0 expected`;
  });
  await check('IncreaseStreamRetentionPeriod', async (signal) => {
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'probe', RetentionPeriodHours: 48 }), { abortSignal: signal });
    const summary = await active('probe', signal);
    return summary.RetentionPeriodHours === 48 ? undefined : `retention ${summary.RetentionPeriodHours} h`;
  });
  await check('SplitShard, MergeShards', async (signal) => {
    await client.send(
      new SplitShardCommand({
        StreamName: 'probe',
        ShardToSplit: 'shardId-000000000001',
        NewStartingHashKey: (3n * 2n ** 126n).toString(),
      }),
      { abortSignal: signal },
    );
    await active('probe', signal);
    await client.send(
      new MergeShardsCommand({ StreamName: 'probe', ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000003' }),
      { abortSignal: signal },
    );
    const summary = await active('probe', signal);
    return summary.OpenShardCount === 2 ? undefined : `${summary.OpenShardCount} open shards, 2 expected`;
  });
  await check('UpdateShardCount UNIFORM_SCALING 2 -> 4', async (signal) => {
    await client.send(new UpdateShardCountCommand({ StreamName: 'probe', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }), {
      abortSignal: signal,
    });
    const summary = await active('probe', signal);
    return summary.OpenShardCount === 4 ? undefined : `${summary.OpenShardCount} open shards, 4 expected`;
  });
  await check('CBOR (application/x-amz-cbor-1.1, the Java KPL/KCL) ListStreams', async (signal) => {
    const answer = await fetch(endpoint, {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'x-amz-date': '20240101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
      },
      // CBOR for {} (an empty map).
      body: new Uint8Array([0xa0]),
    });
    const type = answer.headers.get('content-type') ?? '';
    await answer.arrayBuffer();
    return answer.status === 200 && type.includes('cbor') ? undefined : `HTTP ${answer.status}, ${type}`;
  });
  return outcomes;
}
