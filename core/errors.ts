/**
 * The root of streamtally's errors, the configuration family and the sketches' family.
 *
 * Every error streamtally throws on purpose extends {@link StreamtallyError},
 * through one base per area, each in that area's `errors.ts`: {@link ConfigError}
 * and {@link SketchError} here, `StoreError` (lambdas/aggregator/store/errors.ts), `ProducerError`
 * (src/producer/errors.ts), `LocalRuntimeError` (src/local/errors.ts),
 * `ReplayError` (src/replay/errors.ts), `QueryError` (src/query/errors.ts) and
 * the CLI's `UserError` (src/cli/errors.ts). Each class sets its `name` and
 * takes `{ cause }`. Anything else that escapes is a bug.
 */
export class StreamtallyError extends Error {
  override name = 'StreamtallyError';
}

/**
 * A setting that cannot be used, wherever it was written: a duration or window
 * spec, the consumer's environment, the deployment's configuration. The message
 * is one line naming the setting, meant for the person who wrote it; the CLI and
 * `cdk synth` print it without a stack trace.
 */
export class ConfigError extends StreamtallyError {
  override name = 'ConfigError';
}

/** An invalid window granularity specification such as `1m:7d,1h:90d`. */
export class GranularityConfigError extends ConfigError {
  override name = 'GranularityConfigError';

  /** The specification that was rejected, as given. */
  readonly spec: string;

  constructor(message: string, spec: string, options?: { cause?: unknown }) {
    super(message, options);
    this.spec = spec;
  }
}

/** A setting in the consumer function's environment (core/environment.ts) that cannot be used. */
export class AggregatorConfigError extends ConfigError {
  override name = 'AggregatorConfigError';
}

/**
 * A deployment setting (lib/config/StreamtallyConfig.ts) that cannot be used. The
 * message names the setting and says what to change, so `cdk synth` can print it as is.
 */
export class StreamtallyConfigError extends ConfigError {
  override name = 'StreamtallyConfigError';
}

/**
 * A sketch (core/sketches) that cannot be made or read: a precision or an
 * accuracy out of range, bytes or bins that are not a sketch's, two sketches
 * that cannot be merged. Its own family beside {@link ConfigError}, because
 * corrupt stored bytes are not a setting; the message is one line naming what
 * is wrong.
 */
export class SketchError extends StreamtallyError {
  override name = 'SketchError';
}
