// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

export const quarantineUsage = `streamtally quarantine list [--reason invalid|late|future] [--limit N]
streamtally quarantine redrive [--reason R] [--limit N] [--dry-run]
  list: the records set aside by the consumer, with reason and message.
  redrive: sends them back to the stream (original bytes and partition key) and removes them from the quarantine.`;
