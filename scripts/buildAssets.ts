/**
 * The second half of `npm run build`, after `tsc -p tsconfig.build.json`: what
 * dist/ needs besides compiled TypeScript.
 *
 * 1. The plain-JavaScript files the CLI runs as child processes and workers
 *    (the emulator launchers, the local Lambda runtime's bootstrap) and the
 *    dashboard's static page, which tsc does not copy.
 * 2. The Lambda bundles, dist/assets/aggregator/ and dist/assets/dashboardApi/,
 *    deployed by the compiled library (lib/StreamtallyStack.ts, `aggregatorCode`;
 *    lib/DashboardApi.ts). They are taken from a synth of the stack (with the
 *    dashboard API on) from the sources, so each is byte for byte what
 *    `cdk synth` in this repository bundles, by the one set of NodejsFunction
 *    settings in lib/StreamConsumer.ts and lib/DashboardApi.ts, rather than a second esbuild call that
 *    could drift from them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { resolveConfig } from '../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../lib/StreamtallyStack';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

const PLAIN_JS_DIRS = [
  path.join('src', 'local', 'emulators', 'launchers'),
  path.join('src', 'local', 'lambda', 'runtime'),
  path.join('src', 'dashboard', 'public'),
];
/** Each bundled function of the stack by the construct path its logical ID starts with, and where its bundle goes. */
const BUNDLES = [
  { logicalIdPrefix: 'AggregatorFunction', target: path.join(DIST, 'assets', 'aggregator') },
  { logicalIdPrefix: 'DashboardApiFunction', target: path.join(DIST, 'assets', 'dashboardApi') },
];
for (const dir of PLAIN_JS_DIRS) cpSync(path.join(ROOT, dir), path.join(DIST, dir), { recursive: true });

const outdir = mkdtempSync(path.join(tmpdir(), 'streamtally-build-'));
try {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  // Asset metadata names each function's bundle in the template (the cdk CLI turns it on; a bare App does not).
  const app = new App({ outdir, context: { ...(cdkJson.context ?? {}), 'aws:cdk:enable-asset-metadata': true } });
  const stack = new StreamtallyStack(app, 'Streamtally-build', { config: resolveConfig({ dashboardApi: true }) });
  app.synth();
  const template = JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const functions = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'],
  );
  for (const bundle of BUNDLES) {
    const found = functions.filter(([logicalId]) => logicalId.startsWith(bundle.logicalIdPrefix));
    if (found.length !== 1)
      throw new Error(`build: expected one bundled function ${bundle.logicalIdPrefix}* in the stack, found ${found.length}`);
    rmSync(bundle.target, { recursive: true, force: true });
    cpSync(path.join(outdir, found[0]![1].Metadata!['aws:asset:path']!), bundle.target, { recursive: true });
  }
  process.stdout.write(`build: ${BUNDLES.length} Lambda bundles and ${PLAIN_JS_DIRS.length} plain-file folders copied into dist/\n`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
