// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).
import { DEFAULT_SHADOW_NAME } from '../../replay/shadowNames';

export const replayUsage = `streamtally replay --from ISO [--to ISO] [--shadow NAME] [--restart] [--concurrency N] [--batch-size N]
                   [--windows SPEC] [--allowed-lateness D] [--max-clock-skew D] [--dedup-producer-ids true|false] [--dedup-retention D]
streamtally replay --drop [--shadow NAME]
  Recomputes the aggregates of every record that arrived between --from and --to (default: now) from the
  stream, through the consumer's own processBatch, into a shadow table (<aggregates table>-shadow-NAME,
  NAME default "${DEFAULT_SHADOW_NAME}"); the live aggregates are never written. Reads every shard, closed parents
  of a reshard first. Interrupted, it resumes from its checkpoints (consumer replay:NAME) when run again
  with the same flags; --restart starts over, --drop deletes the shadow. Settings: the consumer's (from
  cdk.out on the local target, the defaults elsewhere), overridden by the flags. Then run reconcile.
  --json prints {"shadow","shadowTable","consumer","from","to","resumed","interrupted","alreadyComplete","complete","settings",
    "records","aggregated","duplicates","quarantined":{"invalid","late","future"},
    "shards":[{"shardId","records","stoppedBy":"end"|"to"|"tip"|null,"watermark"}],
    "completeWindows":{"from","until"}|null,"elapsedMs"}  (until null: no upper bound)`;
