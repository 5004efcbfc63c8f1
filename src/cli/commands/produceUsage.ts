// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

export const produceUsage = `streamtally produce --file <ndjson>|-  [--ordered] [--failed-out <file>]
streamtally produce --rate <ev/s> [--duration <s>] [--seed N] [--keys N] [--types a,b,c]
                    [--duplicate-rate F] [--malformed-rate F] [--late-rate F] [--future-rate F]
  Sends events to the stream: one JSON event per line from a file (- for stdin), or synthetic ones
  (Zipf-distributed keys; the rates, fractions from 0 to 1, add duplicates, malformed, late and future
  events; --duration defaults to 10). Bad lines are reported with their number and never sent.
  --ordered keeps order per key across retries; --failed-out writes events that failed for good as NDJSON.
  Exits 0 only if every valid event was delivered; 1 if a line was bad or an event failed; 130 if interrupted.`;
