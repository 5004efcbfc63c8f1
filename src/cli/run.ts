// The process entry of the CLI: bin/streamtally.js loads its compiled form
// (dist/src/cli/run.js); tests load this file from the sources through tsx.

// The AWS SDK warns on every start that its 2027 releases need Node 22; the
// CLI supports Node 20 and 22, so that notice is kept off the user's screen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Loaded after the line above (an import would be hoisted before it), so the SDK never sees it unset.
const { main } = require('./main') as typeof import('./main');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a user's mistake: a bug, reported with its stack trace.
    console.error(error);
    process.exitCode = 70;
  },
);
