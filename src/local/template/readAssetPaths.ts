import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError } from '../errors';

interface AssetManifest {
  readonly files?: Record<
    string,
    { readonly source?: { readonly path?: string }; readonly destinations?: Record<string, { readonly objectKey?: string }> }
  >;
}

/**
 * Maps the S3 object key of every file asset in `assemblyDir` (from its `*.assets.json`
 * manifests) to the asset's path there: a function's `Code.S3Key` names the key, and the
 * bundled code is at the path. Needed when the template carries no `aws:asset:path`
 * metadata (as with `Template.fromStack`).
 */
export function readAssetPaths(assemblyDir: string): Map<string, string> {
  const paths = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(assemblyDir).filter((name) => name.endsWith('.assets.json'));
  } catch {
    return paths;
  }
  for (const name of names) {
    const file = path.join(assemblyDir, name);
    let manifest: AssetManifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as AssetManifest;
    } catch (error) {
      throw new TemplateError(`the asset manifest ${file} is not valid JSON (${(error as Error).message}); run \`npx cdk synth\` again`, {
        cause: error,
      });
    }
    for (const asset of Object.values(manifest.files ?? {})) {
      if (!asset.source?.path) continue;
      for (const destination of Object.values(asset.destinations ?? {})) {
        if (destination.objectKey) paths.set(destination.objectKey, path.resolve(assemblyDir, asset.source.path));
      }
    }
  }
  return paths;
}
