// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

/** The port the dashboard listens on when none is given. */
export const DEFAULT_DASHBOARD_PORT = 4680;

/** The usage text of `streamtally dashboard`. */
export const dashboardUsage = `streamtally dashboard [--host ADDR] [--port N] [--types T,T...] [--consumer NAME]...
  Serves a live web dashboard of the aggregates (counts per minute, top keys, quarantine,
  lag per shard, alarm states) and its JSON API (docs/dashboard.md); runs until Ctrl-C.
  --host ADDR     address to listen on (default 127.0.0.1, loopback only)
  --port N        port (default ${DEFAULT_DASHBOARD_PORT}; 0 picks a free one)
  --types T,T     the event types to show (default: every type with aggregates, found by a Scan)
  --consumer NAME the consumers whose lag is shown (repeatable; default aggregator)
  Prints "dashboard at http://ADDR:PORT/" (--json: {"url":"..."}) once it answers.`;
