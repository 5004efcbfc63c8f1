/**
 * The package as another project gets it: `npm pack` (which builds dist/ through
 * `prepare`), the tarball installed into a temporary CDK app, the app
 * (package-app/app.ts) type-checked against the package's types and synthesized
 * with node alone, and the installed `streamtally` CLI run.
 *
 * To stay well under a minute the app does not download aws-cdk-lib and constructs
 * again: they are the package's peer dependencies, installed with `--omit=peer` and
 * linked from this repository's node_modules, as a CDK app has its own. The
 * package's own dependencies come from the npm cache (`--prefer-offline`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { blankAssetHashes, cdkJsonContext, newApp } from './synthStack';

const ROOT = path.resolve(__dirname, '..', '..');
const APP_SOURCES = path.join(__dirname, 'package-app');

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
};

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 150_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function resourcesOfType(template: Template, type: string) {
  return Object.values(template.Resources).filter((resource) => resource.Type === type);
}

/** Asset metadata says where the asset came from (a bundled entry, a directory), not what is deployed. */
function withoutAssetMetadata(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template), (key, value: unknown) => (key.startsWith('aws:asset:') ? undefined : value));
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the packed package, installed into another CDK app', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'streamtally-package-'));
  const app = path.join(work, 'app');
  const outdir = path.join(work, 'cdk.out');
  let tarballFiles: string[];
  const template = (stack: string) => JSON.parse(readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8')) as Template;

  beforeAll(() => {
    run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], ROOT);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
    tarballFiles = run('tar', ['-tzf', path.join(work, tarball)], work)
      .stdout.split('\n')
      .filter(Boolean);

    run('mkdir', [app], work);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'consumer-app', private: true, dependencies: { streamtally: `file:../${tarball}` } }),
    );
    run('npm', ['install', '--omit=peer', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
    for (const peer of ['aws-cdk-lib', 'constructs'])
      symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(app, 'node_modules', peer));
    for (const file of ['app.ts', 'tsconfig.json']) copyFileSync(path.join(APP_SOURCES, file), path.join(app, file));

    // Type-checks app.ts against the package's `exports`/`types` and compiles it to app.js.
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], app);
    // What `cdk synth` does, without the CDK CLI: the output folder and this repository's feature flags.
    run(process.execPath, ['app.js'], app, { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkJsonContext()) });
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the compiled library, its types, the CLI and the aggregator bundle, and no TypeScript sources', () => {
    for (const file of [
      'bin/streamtally.js',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/src/cli/run.js',
      'dist/assets/aggregator/index.js',
    ]) {
      expect(tarballFiles).toContain(`package/${file}`);
    }
    expect(tarballFiles.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(tarballFiles.filter((file) => file.includes('.tsbuildinfo') || file.startsWith('package/test/'))).toEqual([]);
  });

  it('installs without tsx, which is a development dependency only', () => {
    expect(existsSync(path.join(app, 'node_modules', 'streamtally', 'package.json'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
  });

  it('synthesizes the same template as the sources do, the aggregator from the bundle built with the package', () => {
    const fromSources = newApp();
    const stack = new StreamtallyStack(fromSources, 'Packed', { config: resolveConfig({ stage: 'packed' }) });
    const expected = fromSources.synth().getStackByName(stack.stackName).template as unknown;
    expect(withoutAssetMetadata(blankAssetHashes(template('Packed')))).toEqual(withoutAssetMetadata(blankAssetHashes(expected)));

    const [fn] = resourcesOfType(template('Packed'), 'AWS::Lambda::Function');
    const assetDir = path.join(outdir, `asset.${String((fn!.Properties!.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '')}`);
    expect(sha256(path.join(assetDir, 'index.js'))).toBe(
      sha256(path.join(app, 'node_modules', 'streamtally', 'dist', 'assets', 'aggregator', 'index.js')),
    );
  });

  it('consumes an existing stream instead of creating one', () => {
    const onExisting = template('OnExistingStream');
    expect(resourcesOfType(onExisting, 'AWS::Kinesis::Stream')).toEqual([]);
    const [mapping] = resourcesOfType(onExisting, 'AWS::Lambda::EventSourceMapping');
    expect(mapping!.Properties!.EventSourceArn).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/events');
    expect(onExisting.Outputs!.StreamName!.Value).toBe('events');
    expect(resourcesOfType(onExisting, 'AWS::DynamoDB::Table')).toHaveLength(2);
  });

  it('installs a streamtally command that runs without tsx', () => {
    const result = spawnSync(path.join(app, 'node_modules', '.bin', 'streamtally'), ['--help'], { cwd: app, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^streamtally <command>/);
  });
});
