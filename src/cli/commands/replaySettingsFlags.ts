import { tryParseDuration, AggregatorConfigError } from '../../../core';
import { readLocalState } from '../../local/state/localStateFile';
import { localPaths } from '../../local/state/localPaths';
import { readCloudAssembly } from '../../local/template/readCloudAssembly';
import { consumerSettingsFromTemplate } from '../../replay/consumerSettingsFromTemplate';
import { settingsFromEnvironment, type ReplaySettings } from '../../replay/ReplaySettings';
import { UserError } from '../errors';

/** The flags that override the consumer settings a replay recomputes with. */
export const SETTINGS_FLAGS = {
  windows: { type: 'string' },
  'allowed-lateness': { type: 'string' },
  'max-clock-skew': { type: 'string' },
  'dedup-producer-ids': { type: 'string' },
  'dedup-retention': { type: 'string' },
} as const;

/** Where the settings came from, for the user to check. */
export type SettingsSource = 'template' | 'defaults';

/**
 * The settings the live consumer runs with: on the local target, read from
 * the consumer function's environment in the synthesized template (cdk.out),
 * the one the local stack runs; elsewhere the stack's defaults. Flags
 * override either, for a stack deployed with other settings or to recompute
 * with, say, a longer lateness on purpose.
 */
export function replaySettingsFromFlags(
  values: { readonly [K in keyof typeof SETTINGS_FLAGS]?: string },
  targetName: string,
  projectRoot: string,
): { settings: ReplaySettings; source: SettingsSource; overridden: string[] } {
  const fromTemplate = targetName === 'local' ? localConsumerSettings(projectRoot) : undefined;
  const env: Record<string, string> = { ...(fromTemplate ?? {}) };
  if (values.windows !== undefined) env.WINDOWS = values.windows;
  if (values['allowed-lateness'] !== undefined)
    env.ALLOWED_LATENESS_MS = String(durationFlag('allowed-lateness', values['allowed-lateness']));
  if (values['max-clock-skew'] !== undefined) env.MAX_CLOCK_SKEW_MS = String(durationFlag('max-clock-skew', values['max-clock-skew']));
  if (values['dedup-retention'] !== undefined) env.DEDUP_RETENTION_MS = String(durationFlag('dedup-retention', values['dedup-retention']));
  if (values['dedup-producer-ids'] !== undefined) {
    if (!['true', 'false'].includes(values['dedup-producer-ids']))
      throw new UserError(`--dedup-producer-ids must be true or false, got "${values['dedup-producer-ids']}"`);
    env.DEDUP_PRODUCER_IDS = values['dedup-producer-ids'];
  }
  try {
    const overridden = Object.keys(SETTINGS_FLAGS)
      .filter((flag) => values[flag as keyof typeof SETTINGS_FLAGS] !== undefined)
      .map((flag) => `--${flag}`);
    return { settings: settingsFromEnvironment(env), source: fromTemplate ? 'template' : 'defaults', overridden };
  } catch (error) {
    if (error instanceof AggregatorConfigError) throw new UserError(`replay: ${error.message}`, 2, { cause: error });
    throw error;
  }
}

/** A duration flag: `30s`, `5m`, `1h`, `7d`, or whole milliseconds. */
function durationFlag(name: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : tryParseDuration(text);
  if (ms === undefined || !Number.isSafeInteger(ms))
    throw new UserError(`--${name} must be a duration such as 30s, 5m, 1h or 7d (or milliseconds), got "${text}"`);
  return ms;
}

/** The consumer's settings in the local stack's template, or undefined when there is none to read. */
function localConsumerSettings(projectRoot: string): Record<string, string> | undefined {
  try {
    const { stackName } = readLocalState(projectRoot, { allowStale: true });
    return consumerSettingsFromTemplate(readCloudAssembly(localPaths(projectRoot).cdkOutDir, stackName).template);
  } catch {
    // No state file or no cdk.out: the target itself reports a missing local stack.
    return undefined;
  }
}
