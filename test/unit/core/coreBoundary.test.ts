import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

// core/ is the shared core: everything outside it goes through core/index.ts, so
// the core can be rearranged inside without touching its callers; and it stays
// pure (imports nothing but itself), so the Lambda bundle, the CDK app and the
// CLI can all take it whole.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CORE = path.join(ROOT, 'core');
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', 'dist', '.streamtally', 'coverage']);
// `from '…'`, `import('…')`, `import '…'`, `require('…')`, `vi.mock('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bvi\.mock\s*\(\s*)(['"])([^'"\n]+)\1/g;

function sourcesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourcesUnder(full));
    else if (/\.(?:ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

function specifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[2]);
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const insideCore = (file: string) => file === CORE || file.startsWith(CORE + path.sep);

/** `file:specifier` for every import from outside core/ that names a file inside it rather than its index. */
function deepCoreImports(files: readonly string[], read: (file: string) => string): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (insideCore(file)) continue;
    for (const specifier of specifiers(read(file))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!insideCore(target)) continue;
      if (target === CORE || target === path.join(CORE, 'index') || target === path.join(CORE, 'index.ts')) continue;
      found.push(`${relative(file)}: ${specifier}`);
    }
  }
  return found;
}

/**
 * Packages the core may import: pure computation, no I/O, no AWS, no Node built-ins,
 * bundled with the core wherever it goes. Each is there because its code must
 * be exactly someone else's (DDSketch's bins mean what Datadog's DDSketch means).
 */
const PURE_PACKAGES = new Set(['@datadog/sketches-js']);

/** `file:specifier` for every import of a core file that leaves core/ (a package or a file outside). */
function impureCoreImports(files: readonly string[], read: (file: string) => string): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (!insideCore(file)) continue;
    for (const specifier of specifiers(read(file))) {
      if (PURE_PACKAGES.has(specifier)) continue;
      const leaves = !specifier.startsWith('.') || !insideCore(path.resolve(path.dirname(file), specifier));
      if (leaves) found.push(`${relative(file)}: ${specifier}`);
    }
  }
  return found;
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('the shared core', () => {
  const files = sourcesUnder(ROOT);

  it('scans the tree: the core and its callers in lambdas/, lib/, src/, bench/ and test/', () => {
    const seen = new Set(files.map((file) => relative(file).split('/')[0]));
    for (const folder of ['core', 'lambdas', 'lib', 'src', 'bench', 'test']) expect(seen).toContain(folder);
  });

  it('is imported from outside only through core/index.ts', () => {
    expect(deepCoreImports(files, read)).toEqual([]);
  });

  it('imports nothing outside itself but its pure packages (no AWS SDK, no aws-cdk-lib, no Node built-ins)', () => {
    expect(impureCoreImports(files, read)).toEqual([]);
  });

  it('tells a deep import from an index import', () => {
    const caller = path.join(ROOT, 'src', 'query', 'caller.ts');
    const sources: Record<string, string> = {
      [caller]: [
        "import { windowSk } from '../../core';",
        "import { aggregatePk } from '../../core/index';",
        "import type { StreamEvent } from '../../core/types';",
        "const keys = await import('../../core/itemKeys');",
        "vi.mock('../../core/granularity');",
        "import { other } from '../../lambdas/aggregator/config';",
      ].join('\n'),
      [path.join(CORE, 'granularity.ts')]: "import { tryParseDuration } from './duration';\nimport { Duration } from 'aws-cdk-lib';",
      [path.join(CORE, 'sketches', 'quantileBins.ts')]:
        "import { DDSketch } from '@datadog/sketches-js';\nimport { x } from '@datadog/sketches-js/dist/x';",
    };
    const files = Object.keys(sources);
    expect(deepCoreImports(files, (file) => sources[file])).toEqual([
      'src/query/caller.ts: ../../core/types',
      'src/query/caller.ts: ../../core/itemKeys',
      'src/query/caller.ts: ../../core/granularity',
    ]);
    expect(impureCoreImports(files, (file) => sources[file])).toEqual([
      'core/granularity.ts: aws-cdk-lib',
      'core/sketches/quantileBins.ts: @datadog/sketches-js/dist/x',
    ]);
  });
});
