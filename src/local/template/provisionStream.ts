import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  type StreamDescriptionSummary,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import type { LocalStreamPlan } from './LocalStackPlan';
import type { ProvisionOutcome } from './ProvisionReport';
import { waitUntil } from './waitUntil';
import { ProvisionError } from '../errors';

/**
 * Creates the stream if it does not exist (an existing one, with its records, is kept),
 * waits until it is ACTIVE, and brings its retention and, for a provisioned stream, its
 * open shard count to the plan's (as a CloudFormation update would).
 */
export async function provisionStream(kinesis: KinesisClient, stream: LocalStreamPlan, timeoutMs: number): Promise<ProvisionOutcome> {
  const { streamName: StreamName, logicalId } = stream;
  const fail = (action: string, error: unknown) =>
    new ProvisionError(logicalId, `cannot ${action} stream ${StreamName}: ${(error as Error).message ?? String(error)}`, { cause: error });
  const describe = async (): Promise<StreamDescriptionSummary | undefined> => {
    try {
      return (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw fail('describe', error);
    }
  };
  const active = () =>
    waitUntil(
      async () => {
        const summary = await describe();
        return summary?.StreamStatus === 'ACTIVE' ? summary : undefined;
      },
      timeoutMs,
      () => new ProvisionError(logicalId, `stream ${StreamName} did not become ACTIVE within ${timeoutMs / 1000} s`),
    );

  let outcome: ProvisionOutcome = 'kept';
  if (!(await describe())) {
    try {
      await kinesis.send(
        new CreateStreamCommand(
          stream.mode === 'ON_DEMAND'
            ? { StreamName, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
            : { StreamName, ShardCount: stream.shardCount, StreamModeDetails: { StreamMode: 'PROVISIONED' } },
        ),
      );
      outcome = 'created';
    } catch (error) {
      // Created meanwhile by someone else: then it exists, which is all we want.
      if ((error as Error).name !== 'ResourceInUseException') throw fail('create', error);
    }
  }
  let summary = await active();

  const retention = summary.RetentionPeriodHours ?? 24;
  if (retention !== stream.retentionHours) {
    const input = { StreamName, RetentionPeriodHours: stream.retentionHours };
    try {
      await kinesis.send(
        retention < stream.retentionHours
          ? new IncreaseStreamRetentionPeriodCommand(input)
          : new DecreaseStreamRetentionPeriodCommand(input),
      );
    } catch (error) {
      throw fail(`set the retention (${stream.retentionHours} h) of`, error);
    }
    summary = await active();
    if (outcome === 'kept') outcome = 'updated';
  }
  if (stream.mode === 'PROVISIONED' && summary.OpenShardCount !== undefined && summary.OpenShardCount !== stream.shardCount) {
    try {
      await kinesis.send(new UpdateShardCountCommand({ StreamName, TargetShardCount: stream.shardCount, ScalingType: 'UNIFORM_SCALING' }));
    } catch (error) {
      throw fail(`reshard (${summary.OpenShardCount} to ${stream.shardCount} shards)`, error);
    }
    await active();
    if (outcome === 'kept') outcome = 'updated';
  }
  return outcome;
}
