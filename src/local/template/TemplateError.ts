/**
 * The synthesized app cannot be read or run locally: `cdk.out` or a template is missing
 * or malformed, a function's asset is missing, a value cannot be resolved. The message is
 * one line naming what to do or what is wrong, fit to print as it is.
 */
export class TemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}
