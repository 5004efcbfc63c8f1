import type { CliStartupResult } from './measureCliStartup';

/** The CLI start-up target of issue 14: `streamtally --help` in under half a second. */
export const CLI_HELP_TARGET_SECONDS = 0.5;

/** The CLI start-up section of the report. */
export function formatCliStartup(result: CliStartupResult): string {
  const verdict = result.compiledSeconds < CLI_HELP_TARGET_SECONDS ? 'met' : 'NOT met';
  return [
    `CLI start-up: whole-process runs of \`streamtally --help\`, median of ${result.runs}`,
    `  compiled (node bin/streamtally.js --help)      ${result.compiledSeconds.toFixed(3)} s   target < ${CLI_HELP_TARGET_SECONDS} s: ${verdict}`,
    `  from the sources through tsx                   ${result.throughTsxSeconds.toFixed(3)} s   (${(result.throughTsxSeconds / result.compiledSeconds).toFixed(1)}x the compiled)`,
    `  node -e 0 (any Node.js process)                ${result.bareNodeSeconds.toFixed(3)} s`,
  ].join('\n');
}
