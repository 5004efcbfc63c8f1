'use strict';

// Runs dynalite in this process. Arguments: one JSON object { port, host, path }.
const exitWithParent = require('./exitWithParent.cjs');

const { port, host, path } = JSON.parse(process.argv[2]);
const dynalitePath = require.resolve('dynalite');
const { Level } = require(require.resolve('level', { paths: [dynalitePath] }));

// Until the server runs there is nothing to close.
let stop = () => process.exit(0);
process.on('SIGTERM', () => stop());
// A terminal's Ctrl-C reaches the whole process group; the parent decides when to stop us
// (SIGTERM), so a SIGINT of our own is not an exit to report.
process.on('SIGINT', () => {});
exitWithParent(() => stop());

// dynalite opens its LevelDB store lazily and keeps failing requests if it cannot (a
// directory locked by another running dynalite, say). Opening the store once first
// turns that into a clear exit. It must be closed again before dynalite opens it.
const probe = new Level(path);
probe.open().then(
  () => probe.close().then(serve),
  (error) => {
    const reason = String(error.cause?.message ?? error.message);
    console.error(
      /lock/i.test(reason)
        ? `dynalite: the data directory ${path} is in use by another process (is another local stack running?)`
        : `dynalite: cannot open ${path}: ${reason}`,
    );
    process.exit(1);
  },
);

function serve() {
  // Tables are ACTIVE at once (dynalite's default keeps them CREATING for 500 ms): the
  // local stack is provisioned on every start and nothing here depends on the delay.
  const server = require(dynalitePath)({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite's close() waits for pending LevelDB operations and closes the database, so
  // nothing written is lost and the directory's LOCK is released for the next start.
  stop = () => server.close(() => process.exit(0));
  server.on('error', (error) => {
    console.error(`dynalite: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, host);
}
