// A CDK app of another project: it knows streamtally only as the installed package
// (test/infra/package.test.ts type-checks and runs it against the packed tarball).
import { App, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { resolveConfig, StreamtallyStack, type StreamtallyStackProps } from 'streamtally';

const app = new App();
const props: StreamtallyStackProps = { config: resolveConfig({ stage: 'packed' }) };
new StreamtallyStack(app, 'Packed', props);
new StreamtallyStack(app, 'OnExistingStream', {
  config: resolveConfig({ stage: 'existing' }),
  // An existing stream is imported into a stack of the app (an import needs one), here a stack of its own.
  stream: kinesis.Stream.fromStreamArn(new Stack(app, 'Existing'), 'Events', 'arn:aws:kinesis:eu-west-1:123456789012:stream/events'),
});
app.synth();
