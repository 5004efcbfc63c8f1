import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCloudAssembly, TemplateError } from '../../../src/local/template';

describe('readCloudAssembly', () => {
  const dirs: string[] = [];
  const assembly = (stacks: Record<string, string | undefined>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'streamtally-cdkout-'));
    dirs.push(dir);
    const artifacts: Record<string, unknown> = {};
    for (const [name, templateText] of Object.entries(stacks)) {
      artifacts[`${name}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${name}.assets.json` } };
      artifacts[name] = {
        type: 'aws:cloudformation:stack',
        properties: { templateFile: `${name}.template.json` },
        dependencies: [`${name}.assets`],
      };
      if (templateText !== undefined) writeFileSync(path.join(dir, `${name}.template.json`), templateText);
    }
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const failure = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    }
    throw new Error('expected a TemplateError');
  };

  it('finds the only stack, its template and asset manifest', () => {
    const dir = assembly({ 'Streamtally-dev': '{"Resources":{}}' });
    expect(readCloudAssembly(dir)).toEqual({
      assemblyDir: dir,
      stackName: 'Streamtally-dev',
      templateFile: path.join(dir, 'Streamtally-dev.template.json'),
      template: { Resources: {} },
      assetManifestFile: path.join(dir, 'Streamtally-dev.assets.json'),
    });
  });

  it('finds a stack by name among several, and asks for a name otherwise', () => {
    const dir = assembly({ 'Streamtally-dev': '{"Resources":{}}', 'Streamtally-prod': '{"Outputs":{}}' });
    expect(readCloudAssembly(dir, 'Streamtally-prod').template).toEqual({ Outputs: {} });
    expect(failure(() => readCloudAssembly(dir))).toBe(
      `${dir} holds several stacks (Streamtally-dev, Streamtally-prod); name the one to run`,
    );
    expect(failure(() => readCloudAssembly(dir, 'Streamtally-test'))).toMatch(
      /has no stack Streamtally-test \(it has Streamtally-dev, Streamtally-prod\); run `npx cdk synth` first$/,
    );
  });

  it('says to run cdk synth when cdk.out is missing', () => {
    const missing = path.join(tmpdir(), 'streamtally-no-such-cdk-out');
    expect(failure(() => readCloudAssembly(missing))).toBe(
      `no synthesized app in ${missing} (manifest.json is missing); run \`npx cdk synth\` first`,
    );
  });

  it('says to run cdk synth when the template is missing', () => {
    const dir = assembly({ 'Streamtally-dev': undefined });
    expect(failure(() => readCloudAssembly(dir))).toBe(
      `the template of stack Streamtally-dev (${path.join(dir, 'Streamtally-dev.template.json')}) is missing; run \`npx cdk synth\` first`,
    );
  });

  it('names a malformed template file', () => {
    const dir = assembly({ 'Streamtally-dev': '{"Resources": {' });
    expect(failure(() => readCloudAssembly(dir))).toMatch(
      new RegExp(
        `^the template ${path.join(dir, 'Streamtally-dev.template.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.+\\); run \`npx cdk synth\` again$`,
      ),
    );
  });

  it('names a malformed manifest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'streamtally-cdkout-'));
    dirs.push(dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), 'not json');
    expect(failure(() => readCloudAssembly(dir))).toContain(
      `the cloud assembly manifest ${path.join(dir, 'manifest.json')} is not valid JSON`,
    );
  });
});
