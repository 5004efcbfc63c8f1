'use strict';

// Runs kinesalite in this process, its streams in a LevelDB store. Arguments: one JSON
// object { port, host, path, region }. kinesalite is patched (patches/kinesalite+*.patch,
// applied by `npm ci`): see docs/local-runtime.md for what the patch changes and why.
const exitWithParent = require('./exitWithParent.cjs');

const { port, host, path, region } = JSON.parse(process.argv[2]);
// kinesalite reads its region (of the ARNs it reports) and account from the environment.
process.env.AWS_REGION = region;
process.env.AWS_ACCOUNT_ID = '000000000000';

const kinesalite = require('kinesalite');
if (!kinesalite.streamtallyPatch) {
  console.error('kinesalite: this copy is not patched for streamtally (run `npx patch-package` or `npm ci`)');
  process.exit(1);
}

// Until the server runs there is nothing to close.
let stop = () => process.exit(0);
process.on('SIGTERM', () => stop());
// A terminal's Ctrl-C reaches the whole process group; the parent decides when to stop us
// (SIGTERM), so a SIGINT of our own is not an exit to report.
process.on('SIGINT', () => {});
exitWithParent(() => stop());

// Streams are ACTIVE at once (the default keeps them CREATING/UPDATING for 500 ms): the
// local stack is provisioned on every start and nothing here depends on the delay.
// shardLimit: kinesalite's per-account shard cap (10 by default) is AWS's default quota of
// long ago; one local account holds every stream of every test.
const server = kinesalite({ path, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
// The AWS SDK keeps idle sockets open and reuses them; Node's default 5 s keep-alive
// timeout closes them under it, and the next request on one fails with ECONNRESET.
// Longer than any client's idle time here, as AWS's own load balancers do.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// kinesalite's close() closes the LevelDB store after the HTTP server, so every
// acknowledged record is on disk and the directory's LOCK is released for the next start.
// Idle keep-alive connections would hold close() open: they are ended first.
stop = () => {
  server.closeIdleConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => server.closeAllConnections?.(), 500).unref();
};
server.on('error', (error) => {
  console.error(`kinesalite: ${error.message}`);
  process.exit(1);
});
server.listen(port, host);
