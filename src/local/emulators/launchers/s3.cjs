'use strict';

// Runs s3rver in this process. Arguments: one JSON object { port, host, directory }.
const exitWithParent = require('./exitWithParent.cjs');

const { port, host, directory } = JSON.parse(process.argv[2]);
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

// s3rver knows a single access key (S3RVER) and rejects any other. Like the other
// emulators, the local stack accepts any credentials: every key maps to its one account,
// and allowMismatchedSignatures skips the signature check.
AWSAccount.registry.get = () => AWSAccount.DUMMY_ACCOUNT;

const server = new S3rver({ address: host, port, silent: true, directory, allowMismatchedSignatures: true });

// Objects are files written before each response, so a stop loses nothing.
const stop = () =>
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
// A terminal's Ctrl-C reaches the whole process group; the parent decides when to stop us
// (SIGTERM), so a SIGINT of our own is not an exit to report.
process.on('SIGINT', () => {});
exitWithParent(stop);

server.run().catch((error) => {
  console.error(`s3rver: ${error.message}`);
  process.exit(1);
});
