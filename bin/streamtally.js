#!/usr/bin/env node
// Runs the compiled CLI: `npm run build` writes dist/, and `npm ci` runs it through
// the `prepare` script, so a clone needs no extra step and nothing here needs tsx.
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'run.js');
try {
  require.resolve(entry);
} catch {
  console.error('streamtally: the CLI is not built (dist/ is missing): run `npm run build`');
  process.exit(1);
}
require(entry);
