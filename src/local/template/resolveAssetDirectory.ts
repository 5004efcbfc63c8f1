import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CloudFormationResource } from './CloudFormationTemplate';
import type { PlanContext } from './PlanContext';
import { TemplateError } from '../errors';

/**
 * The directory in cdk.out that holds a function's bundled code: from the resource's
 * `aws:asset:path` metadata, else from its `Code.S3Key` through the asset manifests.
 * Checks that the directory and the handler's module are there.
 * @throws {@link TemplateError} when the function has no asset (inline code, an image) or
 * the asset is missing (saying to run `npx cdk synth`)
 */
export function resolveAssetDirectory(logicalId: string, resource: CloudFormationResource, handler: string, context: PlanContext): string {
  const code = (resource.Properties?.Code ?? {}) as Record<string, unknown>;
  if (code.ZipFile !== undefined)
    throw new TemplateError(
      `function ${logicalId} has inline code (Code.ZipFile); the local runtime runs bundled assets from cdk.out only`,
    );
  if (code.ImageUri !== undefined)
    throw new TemplateError(`function ${logicalId} is a container image; the local runtime runs bundled assets from cdk.out only`);

  const metadataPath = resource.Metadata?.['aws:asset:path'];
  const property = resource.Metadata?.['aws:asset:property'];
  let directory: string | undefined;
  if (typeof metadataPath === 'string' && (property === undefined || property === 'Code')) {
    directory = path.resolve(context.assemblyDir, metadataPath);
  } else if (typeof code.S3Key === 'string') {
    directory = context.assetPaths.get(code.S3Key);
    // Without a manifest entry, cdk.out still names asset directories after the hash.
    const hash = /^([0-9a-f]{64})\.zip$/.exec(code.S3Key)?.[1];
    if (!directory && hash) directory = path.join(context.assemblyDir, `asset.${hash}`);
  }
  if (!directory)
    throw new TemplateError(
      `function ${logicalId} names no asset of ${context.assemblyDir} (its Code has no S3Key from cdk synth); run \`npx cdk synth\``,
    );
  if (!existsSync(directory))
    throw new TemplateError(`the asset of function ${logicalId} (${directory}) is missing; run \`npx cdk synth\``);
  if (!statSync(directory).isDirectory())
    throw new TemplateError(
      `the asset of function ${logicalId} (${directory}) is not a directory; the local runtime runs unpacked assets only`,
    );

  const moduleName = handler.slice(0, handler.lastIndexOf('.'));
  const found = ['.js', '.mjs', '.cjs'].some((extension) => existsSync(path.join(directory, `${moduleName}${extension}`)));
  if (!moduleName || !found)
    throw new TemplateError(
      `the asset of function ${logicalId} (${directory}) has no module for handler ${handler}; run \`npx cdk synth\``,
    );
  return directory;
}
