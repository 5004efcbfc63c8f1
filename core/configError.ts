/**
 * Errors for bad configuration of the core (durations, granularities). They
 * carry a one-line message meant for the person who wrote the setting; the
 * CLI and the stack print it without a stack trace.
 */

/** The base error for invalid core configuration. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** An invalid window granularity specification such as `1m:7d,1h:90d`. */
export class GranularityConfigError extends ConfigError {
  /** The specification that was rejected, as given. */
  readonly spec: string;

  constructor(message: string, spec: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GranularityConfigError';
    this.spec = spec;
  }
}
