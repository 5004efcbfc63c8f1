// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).
import { DEFAULT_MAX_COUNTED_RECORDS } from '../../offsets/defaults';

/** The consumer `offsets` reports by default: the stack's aggregator. */
export const STACK_CONSUMER = 'aggregator';

/** The usage text of `streamtally offsets`, with the shape of its `--json` output. */
export const offsetsUsage = `streamtally offsets [--consumer NAME]... [--all-consumers] [--max-records N]
  Per consumer and shard: the checkpointed sequence number and its arrival time, the
  shard's latest sequence number, and the lag in records and milliseconds.
  --consumer NAME     the consumers to report (repeatable; default: ${STACK_CONSUMER})
  --all-consumers     every consumer with a checkpoint (scans the whole checkpoint table,
                      producer-id claims included: fine locally, costly on a busy table)
  --max-records N     records counted per shard before the lag shows as "≥N" (default ${DEFAULT_MAX_COUNTED_RECORDS});
                      the counting reads the shard (GetRecords), sharing its read limits with the consumers
  --json prints {"consumers":[{"consumer":"aggregator","shards":[{"shardId":"...",
    "checkpoint":"<sequence number>"|null,"checkpointArrivalTime":"<ISO>"|null,
    "latestSequenceNumber":"..."|null,"lagRecords":N,"lagRecordsCapped":false,
    "lagMs":N,"watermark":"<ISO>"|null}]}]}
  lagMs is how much later the shard's newest record arrived than the checkpointed one.`;
