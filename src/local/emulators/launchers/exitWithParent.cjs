'use strict';

// Taken now, before an emulator loads: an emulator may replace process.exit with a graceful
// exit, which is what may be hanging when this fallback is needed.
const hardExit = process.exit.bind(process);

/**
 * Stops this emulator once the process that started it is gone.
 *
 * A parent killed with SIGKILL runs no cleanup, so the emulator must notice on its own,
 * or it would keep its port and its data directory's lock forever. Two signals, because
 * either alone can miss: the IPC channel's 'disconnect' (immediate, but only when the
 * parent spawned us with an 'ipc' stdio slot), and a change of process.ppid (a poll,
 * for any parent: an orphan is re-parented to init or a subreaper).
 *
 * @param {() => void} stop ends the emulator gracefully; called at most once
 */
module.exports = function exitWithParent(stop) {
  const parentPid = process.ppid;
  let stopping = false;
  const stopOnce = () => {
    if (stopping) return;
    stopping = true;
    stop();
    // A graceful stop that hangs must not leave an orphan behind.
    setTimeout(() => hardExit(1), 5000).unref();
  };
  if (process.channel) {
    process.on('disconnect', stopOnce);
    // The channel carries no messages; it must not keep the emulator alive by itself.
    process.channel.unref();
  }
  setInterval(() => {
    if (process.ppid !== parentPid) stopOnce();
  }, 500).unref();
};
