#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { configFromContext } from '../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../lib/StreamtallyStack';
import { ConfigError } from '../core';

const app = new App();
try {
  const config = configFromContext(app);
  // Environment-agnostic on purpose: synth needs no credentials and makes no lookups.
  new StreamtallyStack(app, `Streamtally-${config.stage}`, { config });
} catch (error) {
  // Any setting that cannot be used (the deployment's, or a window spec it holds) is one line.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`streamtally: ${error.message}`);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
app.synth();
