// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

export const queryUsage = `streamtally query --type T [--key K] --window 1m|1h|1d [--from ISO] [--to ISO]
streamtally query --type T --window 1m --top N [--at ISO]
  Prints window aggregates (count, sum, min, max). Without --key, every key of each window.
  --top N prints the N keys with the highest count in the window that holds --at (default now).`;
