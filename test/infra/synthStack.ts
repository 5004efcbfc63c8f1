import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig, type StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** Options of {@link newApp}. */
export interface NewAppOptions {
  /** Run esbuild for the Lambda assets (slow); otherwise bundling is skipped. @default false */
  readonly bundle?: boolean;
  /** Extra context. */
  readonly context?: Record<string, unknown>;
}

/** An App with cdk.json's feature flags; bundling is skipped unless asked for. */
export function newApp(options: NewAppOptions = {}): App {
  return new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

/** A StreamtallyStack synthesized from a partial configuration. */
export function synthStack(partial: Partial<StreamtallyConfig> = {}, options: NewAppOptions = {}) {
  const app = newApp(options);
  const config = resolveConfig(partial);
  const stack = new StreamtallyStack(app, `Streamtally-${config.stage}`, { config });
  return { app, stack, config, template: Template.fromStack(stack) };
}

/** The template with asset hashes replaced, so a snapshot survives handler changes. */
export function blankAssetHashes(template: unknown): unknown {
  const json = JSON.stringify(template).replace(
    /[0-9a-f]{64}(\.zip|\.json)?/g,
    (_m, ext: string | undefined) => `<asset-hash>${ext ?? ''}`,
  );
  return JSON.parse(json);
}
