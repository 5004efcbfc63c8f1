#!/usr/bin/env node
// The AWS SDK warns on every start that its 2027 releases need Node 22; the
// CLI supports Node 20 and 22, so that notice is kept off the user's screen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
