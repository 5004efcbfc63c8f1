/** Base error of the local Lambda runner: a misuse of it, never a function error (those are outcomes). */
export class LocalLambdaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalLambdaError';
  }
}

/** `invoke` was called on a function that was closed. */
export class LocalFunctionClosedError extends LocalLambdaError {
  constructor(readonly functionName: string) {
    super(`function ${functionName} is closed`);
    this.name = 'LocalFunctionClosedError';
  }
}
