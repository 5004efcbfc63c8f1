'use strict';

// Runs kinesis-local (kinesis-mock) in this process. Configured by the environment
// (KINESIS_MOCK_PLAIN_PORT, KINESIS_MOCK_TLS_PORT, persistence variables): see startKinesisEmulator.ts.
const net = require('node:net');
const exitWithParent = require('./exitWithParent.cjs');

// kinesis-mock has no setting for its listen address and binds every interface. An
// emulator that accepts any credentials must not be reachable from the network, so a
// listen() on a port alone is pinned to loopback.
const listen = net.Server.prototype.listen;
const sockets = new Set();
net.Server.prototype.listen = function listenOnLoopback(...args) {
  this.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    return listen.call(this, args[0], '127.0.0.1', ...args.slice(1));
  }
  return listen.apply(this, args);
};

// kinesis-mock persists its data on SIGTERM (a cats-effect finalizer), but only once its
// HTTP server has shut down, and that waits until every client has closed its keep-alive
// connection: a consumer holding one would keep it up for good. Requests in flight get a
// moment to finish; then each connection is half-closed (FIN), which its reader sees as an
// end of stream. (Destroying the socket is not enough: the server's reader waits for an end.)
process.on('SIGTERM', () => {
  setTimeout(() => {
    for (const socket of sockets) socket.end();
  }, 200).unref();
});

// A parent that disappears gets the same clean stop as `stop()`.
exitWithParent(() => process.kill(process.pid, 'SIGTERM'));

require('kinesis-local/main.js');

// A terminal's Ctrl-C reaches the whole process group, this emulator too. The parent decides
// when the emulator stops (and then sends SIGTERM); stopping on SIGINT by itself would show
// as an unexpected exit in the middle of the parent's orderly shutdown. cats-effect
// registered its SIGINT handler while main.js loaded.
process.removeAllListeners('SIGINT');
process.on('SIGINT', () => {});
