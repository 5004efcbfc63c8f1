import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes (docs/contract.md §2). */
export const COMMON_FLAGS = {
  target: { type: 'string', default: 'local' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  stage: { type: 'string', default: 'dev' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const satisfies Options;

/** What {@link parseFlags} returns: parseArgs' result for the common flags and `O` (named, so declarations can be emitted). */
export type ParsedFlags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof COMMON_FLAGS & O; strict: true; allowPositionals: boolean }>
>;

/**
 * node:util's parseArgs in strict mode, with its errors turned into one line
 * for the user (`unknown option --fro for "query"`).
 */
export function parseFlags<const O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
): ParsedFlags<O> {
  try {
    return parseArgs({ args: [...argv], options: { ...COMMON_FLAGS, ...options }, strict: true, allowPositionals });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '').split('\n')[0];
    throw new UserError(`${command}: ${message}`);
  }
}

/** A whole number flag within bounds, or a one-line error naming the flag. */
export function integerFlag(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** An ISO-8601 time flag, or a one-line error naming the flag. */
export function timeFlag(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(text) || Number.isNaN(ms)) {
    throw new UserError(`--${name} must be an ISO-8601 time such as 2026-11-26T12:00:00Z, got "${text}"`);
  }
  return ms;
}
