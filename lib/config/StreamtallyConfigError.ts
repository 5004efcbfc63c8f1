/**
 * A deployment setting that cannot be used. The message is one line that names
 * the setting and says what to change, so `cdk synth` can print it as is.
 */
export class StreamtallyConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamtallyConfigError';
  }
}
