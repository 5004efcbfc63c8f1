/**
 * The second half of `npm run build`, after `tsc -p tsconfig.build.json`: what
 * dist/ needs besides compiled TypeScript.
 *
 * 1. The plain-JavaScript files the CLI runs as child processes and workers
 *    (the emulator launchers, the local Lambda runtime's bootstrap), which tsc
 *    does not copy.
 * 2. The aggregator's Lambda bundle, dist/assets/aggregator/, deployed by the
 *    compiled library (lib/StreamtallyStack.ts, `aggregatorCode`). It is taken from a
 *    synth of the stack from the sources, so it is byte for byte what
 *    `cdk synth` in this repository bundles, by the one set of NodejsFunction
 *    settings in lib/StreamConsumer.ts, rather than a second esbuild call that
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

const PLAIN_JS_DIRS = [path.join('src', 'local', 'emulators', 'launchers'), path.join('src', 'local', 'lambda', 'runtime')];
for (const dir of PLAIN_JS_DIRS) cpSync(path.join(ROOT, dir), path.join(DIST, dir), { recursive: true });

const outdir = mkdtempSync(path.join(tmpdir(), 'streamtally-build-'));
try {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ outdir, context: cdkJson.context ?? {} });
  const stack = new StreamtallyStack(app, 'Streamtally-build', { config: resolveConfig() });
  app.synth();
  const manifest = JSON.parse(readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const bundles = Object.values(manifest.files).filter((file) => file.source.packaging === 'zip');
  if (bundles.length !== 1) throw new Error(`build: expected the aggregator as the one zip asset of the stack, found ${bundles.length}`);
  const target = path.join(DIST, 'assets', 'aggregator');
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(outdir, bundles[0]!.source.path), target, { recursive: true });
  process.stdout.write(`build: ${path.relative(ROOT, target)} and ${PLAIN_JS_DIRS.length} plain-JavaScript folders copied into dist/\n`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
