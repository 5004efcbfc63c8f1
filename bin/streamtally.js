#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx, so a clone needs no build step.
require('tsx/cjs');
const { main } = require('../src/cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Not a user's mistake: a bug, reported with its stack trace.
    console.error(error);
    process.exitCode = 70;
  },
);
