/**
 * streamtally's counts on a Kinesis stream that already exists, as another CDK app
 * uses the library. In such a project the import is `from 'streamtally'`; here it is
 * the library's public surface in this repository, `lib/index.ts`.
 *
 *   cd examples/existing-stream
 *   npx cdk synth -c streamArn=arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
 *
 * test/infra/examples.test.ts synthesizes it.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { resolveConfig, StreamtallyStack } from '../../lib';

const EXAMPLE_STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks';

/** The example's stacks in `app`: the producers' side of the stream, and streamtally consuming it. */
export function existingStreamApp(app: App) {
  const streamArn = (app.node.tryGetContext('streamArn') as string | undefined) ?? EXAMPLE_STREAM_ARN;
  // An import lives in a stack: here the one that gives the producers their role.
  const ingest = new Stack(app, 'Ingest');
  const stream = kinesis.Stream.fromStreamArn(ingest, 'Clicks', streamArn);
  stream.grantWrite(new iam.Role(ingest, 'ProducerRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }));
  const counts = new StreamtallyStack(app, 'ClickCounts', {
    // retentionHours states the existing stream's retention; the maximum record age is checked against it.
    config: resolveConfig({ stage: 'clicks', retentionHours: 48, windows: '1m:7d,1h:90d' }),
    stream,
  });
  return { ingest, counts };
}

if (require.main === module) {
  const app = new App();
  existingStreamApp(app);
  app.synth();
}
