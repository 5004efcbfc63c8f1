import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { type StreamtallyConfig, resolveConfig } from '../../../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../../../lib/StreamtallyStack';
import { readCloudAssembly } from '../../../../src/local/template';
import type { CloudFormationTemplate } from '../../../../src/local/template';

/** A synthesized cloud assembly of the real stack in a temporary directory. */
export interface SynthesizedAssembly {
  readonly template: CloudFormationTemplate;
  readonly assemblyDir: string;
  readonly stackName: string;
  /** Deletes the assembly directory. */
  remove(): void;
}

/**
 * Synthesizes {@link StreamtallyStack} with `config` as `cdk synth` does (bundled asset,
 * manifest, asset manifest) into a temporary directory, and reads it back with readCloudAssembly.
 */
export function synthesizedAssembly(config: Partial<StreamtallyConfig> = {}, stackName = 'Streamtally-test'): SynthesizedAssembly {
  const app = new App();
  new StreamtallyStack(app, stackName, { config: resolveConfig(config) });
  const { directory } = app.synth();
  const { template, assemblyDir } = readCloudAssembly(directory, stackName);
  return { template, assemblyDir, stackName, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
