/** Base error of the local event source mapping. */
export class LocalEsmError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalEsmError';
  }
}

/** A setting out of the range Lambda accepts, or missing where Lambda requires it. */
export class InvalidMappingSettingError extends LocalEsmError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'InvalidMappingSettingError';
  }
}

/** A Lambda setting the local event source mapping does not emulate; refusing it beats silently ignoring it. */
export class UnsupportedMappingSettingError extends LocalEsmError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'UnsupportedMappingSettingError';
  }
}
