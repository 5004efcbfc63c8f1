/**
 * Names of a replay's shadow namespace. One name (`--shadow`, default
 * {@link DEFAULT_SHADOW_NAME}) decides all three places a replay writes, so
 * that two replays with different names never share state and one with the
 * same name resumes the other.
 */

/** The shadow a replay writes to when `--shadow` is not given. */
export const DEFAULT_SHADOW_NAME = 'replay';

/** Letters, digits, `_` and `-`: safe in a DynamoDB table name and in a checkpoint key. */
const SHADOW_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Checks a shadow name.
 * @returns the problem in one line, or `undefined` when the name is usable.
 */
export function shadowNameProblem(name: string): string | undefined {
  return SHADOW_NAME.test(name) ? undefined : `--shadow must be 1-40 letters, digits, "_" or "-", got "${name}"`;
}

/**
 * The shadow aggregates table: the live table's name with a suffix, so that it
 * sorts next to the live table in a console and cannot be mistaken for it.
 * @example shadowTableName('Streamtally-dev-Aggregates', 'nightly') // 'Streamtally-dev-Aggregates-shadow-nightly'
 */
export function shadowTableName(liveTable: string, shadow: string): string {
  return `${liveTable}-shadow-${shadow}`;
}

/**
 * The replay's consumer name: its checkpoints sit in the live checkpoint table
 * under `checkpoint#replay:<shadow>`, next to the live consumer's, so that
 * `streamtally offsets --consumer replay:<shadow>` shows how far it got.
 * StreamConsumer refuses a colon in a consumer's name, so the two never collide.
 */
export function replayConsumerName(shadow: string): string {
  return `replay:${shadow}`;
}
