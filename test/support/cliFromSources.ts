import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** tsx's loader by its URL: `--import tsx` would resolve from the working directory, and the CLI runs in temporary projects. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * How tests and benchmarks run the CLI: `node <CLI_NODE_ARGS> <command> ...`, the
 * entry bin/streamtally.js runs (src/cli/run.ts) but from the TypeScript sources
 * through tsx, so they always exercise the current code and never a stale dist/
 * (bin/streamtally.js itself is exercised by test/infra/package.test.ts).
 */
export const CLI_NODE_ARGS: readonly string[] = ['--import', TSX_LOADER, path.resolve(__dirname, '..', '..', 'src', 'cli', 'run.ts')];
