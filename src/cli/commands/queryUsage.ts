// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

/** A read of more windows than this reports its progress on stderr even when stderr is no terminal. */
export const LONG_READ_WINDOWS = 1_000;

export const queryUsage = `streamtally query --type T [--key K] --window 1m|1h|1d [--from ISO] [--to ISO] [--rollup] [--format table|json|jsonl|csv]
streamtally query --type T --window 1m --top N [--at ISO]
  Prints window aggregates (count, sum, min, max). Without --key, every key of each window.
  Any range: rows are printed as they are read (json: one object; jsonl: one row a line; csv: RFC 4180).
  --json is --format json. Progress goes to stderr on a terminal and for reads of over ${LONG_READ_WINDOWS} windows.
  --top N prints the N keys with the highest count in the window that holds --at (default now).
  Declared measures (docs/measures.md) show when the items keep them: "quantiles" {"p50","p90","p99"}
  and "distinct" {"<field>": estimate}; csv adds the columns p50,p90,p99 and distinct:<field> of the first rows read.
  --quantiles 0.5,0.95,0.999   the quantiles shown (ranks in [0,1]; named p50,p95,p99.9; csv always has their columns)
  --by attrs.FIELD             the dimension's buckets: the keys are the attribute's values (with --top too)
  --total                      the type's total over every key (the one key "all")
  --rollup                     one row per key over the whole range, every window merged (windowStart: the range's first)
  --no-distinct                skips the distinct counts (each costs a Query per row's key)`;
