import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { formatDuration, parseGranularities } from '../../../core';
import { completeWindows, hasCompleteWindow, type CompleteWindows } from '../../replay/completeWindows';
import { deleteCheckpoints } from '../../replay/deleteCheckpoints';
import { progressBar, progressLine } from '../../replay/renderReplayProgress';
import type { ShardProgress } from '../../replay/ReplayManifest';
import type { ReplaySettings } from '../../replay/ReplaySettings';
import { runReplay, type ReplayResult } from '../../replay/runReplay';
import { DEFAULT_SHADOW_NAME, replayConsumerName, shadowNameProblem, shadowTableName } from '../../replay/shadowNames';
import { deleteShadowTable } from '../../replay/shadowTable';
import type { StackResources } from '../../stack/stackResourcesFromOutputs';
import { integerFlag, parseFlags, timeFlag } from '../parseFlags';
import { resolveTarget } from '../targets/resolveTarget';
import { replaySettingsFromFlags, SETTINGS_FLAGS, type SettingsSource } from './replaySettingsFlags';
import { ReplayRefusal, CheckpointTrimmedError, ReplayWriteError } from '../../replay/errors';
import { UserError } from '../errors';
import { replayUsage } from './replayUsage';

/** A redraw of the progress bar at most this often. */
const REDRAW_MS = 250;
/** A plain progress line at most this often. */
const LINE_MS = 5_000;

/** The part of a resolved target a replay needs. */
export interface ReplayCommandTarget {
  readonly name: string;
  readonly resources: StackResources;
  readonly dynamo: DynamoDBClient;
  readonly kinesis: KinesisClient;
}

/** What the replay command takes from its surroundings; tests replace it. */
export interface ReplayEnvironment {
  readonly resolveTarget: (flags: Parameters<typeof resolveTarget>[0]) => Promise<ReplayCommandTarget>;
  /** Where cdk.out and `.streamtally/` are. */
  readonly projectRoot: string;
  /** Redraws the progress bar (a terminal); absent: plain progress lines. */
  readonly progress?: (line: string) => void;
  readonly stderr: (text: string) => void;
  /** Registers the SIGINT handler; returns its removal. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

const processEnvironment = (): ReplayEnvironment => ({
  resolveTarget,
  projectRoot: process.cwd(),
  progress: process.stdout.isTTY ? (line) => process.stdout.write(`\r\x1b[K${line}`) : undefined,
  stderr: (text) => process.stderr.write(`${process.stdout.isTTY ? '\r\x1b[K' : ''}${text}\n`),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
});

/** `streamtally replay`: recompute a range of the stream into a shadow namespace. */
export async function replayCommand(
  argv: readonly string[],
  out: (text: string) => void,
  environment: ReplayEnvironment = processEnvironment(),
): Promise<void> {
  const { values } = parseFlags('replay', argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    shadow: { type: 'string', default: DEFAULT_SHADOW_NAME },
    restart: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    ...SETTINGS_FLAGS,
  });
  if (values.help) return out(replayUsage);
  const shadow = values.shadow;
  const problem = shadowNameProblem(shadow);
  if (problem) throw new UserError(`replay: ${problem}`);
  if (values.drop) return drop(values, shadow, out, environment);
  if (values.from === undefined)
    throw new UserError('replay: --from is required (the arrival time to replay from, e.g. --from 2026-11-25T00:00:00Z)');
  const fromMs = timeFlag('from', values.from, 0);
  const toMs = values.to === undefined ? undefined : timeFlag('to', values.to, 0);
  const concurrency = integerFlag('concurrency', values.concurrency, 4, 1, 64);
  const pageLimit = integerFlag('batch-size', values['batch-size'], 10_000, 1, 10_000);
  const target = await environment.resolveTarget(values);
  const { settings, source, overridden } = replaySettingsFromFlags(values, target.name, environment.projectRoot);
  const { streamName, aggregatesTable, checkpointTable } = target.resources;
  // With --json, stdout carries the one JSON object; progress goes to stderr.
  const say = values.json ? environment.stderr : out;
  say(`replay into shadow "${shadow}" (${shadowTableName(aggregatesTable, shadow)}): ${describeSettings(settings, source, overridden)}`);

  const interrupt = new AbortController();
  const removeHandler = environment.onInterrupt(() => {
    if (interrupt.signal.aborted) process.exit(130);
    environment.stderr(
      '\ninterrupted: finishing the pages in hand (Ctrl-C again to quit at once; the replay resumes from its checkpoints)',
    );
    interrupt.abort();
  });
  const draw = values.json ? undefined : environment.progress;
  let lastDrawMs = 0;
  let lastLineMs = Date.now();
  let result: ReplayResult;
  try {
    result = await runReplay(
      { kinesis: target.kinesis, dynamo: target.dynamo, streamName, aggregatesTable, checkpointTable },
      {
        shadow,
        fromMs,
        toMs,
        settings,
        restart: values.restart,
        concurrency,
        pageLimit,
        signal: interrupt.signal,
        onProgress: (snapshot) => {
          const nowMs = Date.now();
          if (draw && (nowMs - lastDrawMs >= REDRAW_MS || snapshot.fraction >= 1)) {
            lastDrawMs = nowMs;
            draw(progressBar(snapshot));
          } else if (!draw && nowMs - lastLineMs >= LINE_MS) {
            lastLineMs = nowMs;
            say(progressLine(snapshot));
          }
        },
        onShardDone: (shard) => {
          if (!draw) say(`replay: ${shard.shardId} done (${STOPPED[shard.stoppedBy!]}): ${n(shard.counts.records)} records`);
        },
      },
    );
  } catch (error) {
    if (error instanceof ReplayRefusal || error instanceof CheckpointTrimmedError)
      throw new UserError(`replay: ${error.message}`, 2, { cause: error });
    // Everything applied so far is checkpointed: the same command picks up from there.
    if (error instanceof ReplayWriteError)
      throw new UserError(`${error.message}; run the same command again to resume`, 1, { cause: error });
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new UserError(
        `replay: the stream ${streamName} or a table does not exist on the ${target.name} target (${(error as Error).message})`,
        2,
        { cause: error },
      );
    }
    throw error;
  } finally {
    removeHandler();
    if (draw) draw('');
  }

  const finished = result.interrupted ? undefined : completeWindows(result.manifest, result.shards);
  const smallestWindowMs = parseGranularities(result.manifest.settings.windows)[0]!.sizeMs;
  // A range with no window in it is reported as none, whatever its bounds.
  const complete = finished && hasCompleteWindow(finished, smallestWindowMs) ? finished : finished && { ...finished, untilMs: -Infinity };
  if (values.json) out(JSON.stringify(replayJson(result, complete)));
  else for (const line of summaryLines(result, complete)) out(line);
  if (result.interrupted) throw new UserError(`replay interrupted; run the same command again to resume from its checkpoints`, 130);
}

async function drop(
  values: Parameters<typeof resolveTarget>[0] & { json?: boolean },
  shadow: string,
  out: (text: string) => void,
  environment: ReplayEnvironment,
): Promise<void> {
  const target = await environment.resolveTarget(values);
  const shadowTable = shadowTableName(target.resources.aggregatesTable, shadow);
  const dropped = await deleteShadowTable(target.dynamo, shadowTable);
  const checkpoints = await deleteCheckpoints(target.dynamo, target.resources.checkpointTable, replayConsumerName(shadow));
  if (values.json) return out(JSON.stringify({ shadow, shadowTable, dropped, checkpointsDeleted: checkpoints }));
  out(
    dropped
      ? `dropped shadow "${shadow}" (${shadowTable}) and ${checkpoints} checkpoint(s)`
      : `there is no shadow "${shadow}" (${shadowTable}); deleted ${checkpoints} checkpoint(s)`,
  );
}

const STOPPED: Record<string, string> = {
  end: 'closed shard read to its end',
  to: 'next record arrived after --to',
  tip: 'reached the tip',
};

/** The settings in one line, and where they came from, so that a mismatch with the live consumer shows before it shows as drift. */
function describeSettings(settings: ReplaySettings, source: SettingsSource, overridden: readonly string[]): string {
  const seconds = (ms: number) => (ms === 0 ? '0s' : formatDuration(ms));
  const origin =
    source === 'template'
      ? "the consumer's, from cdk.out"
      : 'the stack defaults; pass --windows etc. if the consumer was deployed with others';
  return (
    `windows ${settings.windows}, allowed lateness ${seconds(settings.allowedLatenessMs)}, clock skew ${seconds(settings.maxClockSkewMs)}, ` +
    `producer-id dedup ${settings.dedupProducerIds ? `on (${seconds(settings.dedupRetentionMs)})` : 'off'} ` +
    `(${origin}${overridden.length > 0 ? `; overridden by ${overridden.join(', ')}` : ''})`
  );
}

function totals(shards: readonly ShardProgress[]) {
  const sum = { records: 0, aggregated: 0, duplicates: 0, quarantined: { invalid: 0, late: 0, future: 0 } };
  for (const { counts } of shards) {
    sum.records += counts.records;
    sum.aggregated += counts.aggregated;
    sum.duplicates += counts.duplicates;
    sum.quarantined.invalid += counts.quarantined.invalid;
    sum.quarantined.late += counts.quarantined.late;
    sum.quarantined.future += counts.quarantined.future;
  }
  return sum;
}

function replayJson(result: ReplayResult, complete: CompleteWindows | undefined) {
  const { manifest } = result;
  return {
    shadow: manifest.shadow,
    shadowTable: result.shadowTable,
    consumer: result.consumerName,
    from: iso(manifest.fromMs),
    to: iso(manifest.toMs),
    resumed: result.resumed,
    interrupted: result.interrupted,
    alreadyComplete: result.alreadyComplete,
    complete: manifest.completedMs !== undefined,
    settings: manifest.settings,
    ...totals(result.shards),
    shards: [...result.shards]
      .sort((a, b) => a.shardId.localeCompare(b.shardId))
      .map((shard) => ({
        shardId: shard.shardId,
        records: shard.counts.records,
        stoppedBy: shard.stoppedBy ?? null,
        watermark: shard.watermarkMs === undefined ? null : iso(shard.watermarkMs),
      })),
    completeWindows:
      complete && complete.untilMs !== -Infinity
        ? { from: iso(complete.fromMs), until: Number.isFinite(complete.untilMs) ? iso(complete.untilMs) : null }
        : null,
    elapsedMs: result.elapsedMs,
  };
}

function summaryLines(result: ReplayResult, complete: CompleteWindows | undefined): string[] {
  const { manifest } = result;
  const sum = totals(result.shards);
  const lines = [
    `${result.interrupted ? 'interrupted' : 'replayed'} ${iso(manifest.fromMs)} → ${iso(manifest.toMs)}${result.alreadyComplete ? ' (already complete: nothing read)' : result.resumed ? ' (resumed)' : ''}: ` +
      `${n(sum.records)} records over ${result.shards.length} shard(s) in ${(result.elapsedMs / 1000).toFixed(1)} s; ` +
      `aggregated ${n(sum.aggregated)}, duplicates ${n(sum.duplicates)}, quarantined ${n(sum.quarantined.invalid + sum.quarantined.late + sum.quarantined.future)} ` +
      `(invalid ${n(sum.quarantined.invalid)}, late ${n(sum.quarantined.late)}, future ${n(sum.quarantined.future)}; not stored again)`,
  ];
  if (complete) {
    if (complete.untilMs === -Infinity) {
      lines.push(
        `no window is complete, so reconcile has nothing to compare: a window must start a clock skew after --from and end the allowed lateness ` +
          `before the newest event time on every open shard (a shard with no event leaves none); replay a longer or later range`,
      );
    } else {
      const until = Number.isFinite(complete.untilMs) ? `ending by ${iso(complete.untilMs)}` : 'with no end bound';
      lines.push(`complete windows (reconcile compares these): starting at or after ${iso(complete.fromMs)}, ${until}`);
      lines.push(`next: streamtally reconcile --shadow ${manifest.shadow}   (add --repair to fix the live aggregates)`);
    }
  }
  return lines;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
