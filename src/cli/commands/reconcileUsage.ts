// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

export const reconcileUsage = `streamtally reconcile [--shadow NAME] [--from ISO] [--to ISO] [--repair]
  Compares a finished replay's shadow aggregates (see replay) with the live ones, window by window, over
  the windows the replay recomputed completely (narrowed to window starts between --from and --to), and
  reports the drift: items missing from the live table, extra in it, or with a different count, sum, min
  or max, with both values. Windows past their TTL are left alone. --repair replaces the live values of
  the drifted items with the replay's, one conditional write per item that never overwrites a live update
  made in between. Exits 1 while drift remains.
  --json prints {"shadow","shadowTable","scope":{"from","until","lastStart","empty"},"compared","expired",
    "drift":[{"kind":"missing"|"extra"|"different","type","key","granularity","windowStart",
    "live":{"count","sum","min","max"}|null,"shadow":{...}|null,"repair"?:"repaired"|"unchanged"|"liveAhead"|"contended"}],
    "remaining"}  (sum is an exact decimal string; until/lastStart null: no bound)`;
