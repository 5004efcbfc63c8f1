import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';

/**
 * Every shard ListShards returns for the stream, all pages: the open ones and
 * the closed parents of earlier reshards still within the retention, in the
 * order Kinesis lists them. Written here because @aws-sdk/client-kinesis has
 * no ListShards paginator, and a generic one would repeat StreamName beside
 * NextToken, which ListShards refuses.
 */
export async function listAllShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}
