import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CloudFormationTemplate } from './CloudFormationTemplate';
import { TemplateError } from '../errors';

/** A stack of a synthesized cloud assembly (`cdk.out`). */
export interface CloudAssemblyStack {
  /** The assembly directory (absolute); asset paths are relative to it. */
  readonly assemblyDir: string;
  /** The stack's name, e.g. `Streamtally-dev`. */
  readonly stackName: string;
  /** Its template file (absolute). */
  readonly templateFile: string;
  /** Its template. */
  readonly template: CloudFormationTemplate;
  /** Its asset manifest (`<stack>.assets.json`, absolute), which maps S3 keys to asset directories. */
  readonly assetManifestFile?: string;
}

interface ManifestArtifact {
  readonly type?: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly file?: string };
  readonly dependencies?: readonly string[];
}

const SYNTH_HINT = 'run `npx cdk synth` first';

/**
 * Finds a stack of the cloud assembly in `cdkOutDir` through its `manifest.json` and reads
 * its template. With no `stackName`, the assembly must hold exactly one stack.
 * @throws {@link TemplateError} (one line) when `cdk.out`, the manifest or the template is
 * missing (saying to run `npx cdk synth`), malformed (naming the file), or the stack is not there.
 */
export function readCloudAssembly(cdkOutDir: string, stackName?: string): CloudAssemblyStack {
  const assemblyDir = path.resolve(cdkOutDir);
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new TemplateError(`no synthesized app in ${assemblyDir} (manifest.json is missing); ${SYNTH_HINT}`);
  const manifest = readJson(manifestFile, 'the cloud assembly manifest') as { artifacts?: Record<string, ManifestArtifact> };

  const artifacts = Object.entries(manifest.artifacts ?? {});
  const stacks = artifacts.filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const nameOf = ([id, artifact]: [string, ManifestArtifact]) => artifact.properties?.stackName ?? id;
  const names = stacks.map(nameOf);
  if (stacks.length === 0) throw new TemplateError(`${assemblyDir} holds no stack; ${SYNTH_HINT}`);
  let chosen: [string, ManifestArtifact] | undefined;
  if (stackName === undefined) {
    if (stacks.length > 1) throw new TemplateError(`${assemblyDir} holds several stacks (${names.join(', ')}); name the one to run`);
    chosen = stacks[0];
  } else {
    chosen = stacks.find((entry) => nameOf(entry) === stackName || entry[0] === stackName || entry[1].displayName === stackName);
    if (!chosen) throw new TemplateError(`${assemblyDir} has no stack ${stackName} (it has ${names.join(', ')}); ${SYNTH_HINT}`);
  }
  const [artifactId, artifact] = chosen as [string, ManifestArtifact];

  const templateName = artifact.properties?.templateFile;
  if (!templateName) throw new TemplateError(`the manifest ${manifestFile} names no template for stack ${nameOf(chosen)}; ${SYNTH_HINT}`);
  const templateFile = path.join(assemblyDir, templateName);
  if (!existsSync(templateFile))
    throw new TemplateError(`the template of stack ${nameOf(chosen)} (${templateFile}) is missing; ${SYNTH_HINT}`);
  const template = readJson(templateFile, 'the template') as CloudFormationTemplate;
  if (template === null || typeof template !== 'object' || Array.isArray(template))
    throw new TemplateError(`the template ${templateFile} is not a JSON object; ${SYNTH_HINT}`);

  // The asset manifest is the stack's dependency of type cdk:asset-manifest.
  const assetArtifact = (artifact.dependencies ?? [])
    .map((id) => manifest.artifacts?.[id])
    .find((dependency) => dependency?.type === 'cdk:asset-manifest' && dependency.properties?.file);
  const assetManifestFile = assetArtifact?.properties?.file ? path.join(assemblyDir, assetArtifact.properties.file) : undefined;

  return { assemblyDir, stackName: artifact.properties?.stackName ?? artifactId, templateFile, template, assetManifestFile };
}

function readJson(file: string, what: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateError(`${what} ${file} is not valid JSON (${(error as Error).message}); run \`npx cdk synth\` again`, {
      cause: error,
    });
  }
}
