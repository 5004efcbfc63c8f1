/**
 * Lambda's `errorType` values for failures that come from the execution
 * environment rather than from the handler's own error.
 */
export const RuntimeErrorType = {
  /** The invocation ran past the function's timeout; the environment is discarded. */
  timeout: 'Sandbox.Timedout',
  /** The runtime process ended (process.exit, a crash) before answering. */
  exit: 'Runtime.ExitError',
  /** The function ran out of its configured memory. */
  outOfMemory: 'Runtime.OutOfMemory',
  /** The handler's module could not be loaded. */
  importModule: 'Runtime.ImportModuleError',
  /** The handler's module does not export the named function. */
  handlerNotFound: 'Runtime.HandlerNotFound',
  /** The handler's module has a syntax error. */
  userCodeSyntax: 'Runtime.UserCodeSyntaxError',
  /** A promise was rejected and nothing handled it; the runtime exits. */
  unhandledPromiseRejection: 'Runtime.UnhandledPromiseRejection',
} as const;

/**
 * What one invocation came to, as Lambda's Invoke API reports it: either the
 * handler's JSON response (`payload`, `null` when it returned nothing) or a
 * function error with Lambda's `errorType` and `errorMessage`.
 * `durationMs` is the handler's run time (init of a cold start excluded, as in
 * Lambda's `Duration`); `requestId` is the invocation's `awsRequestId` when
 * the handler was reached.
 */
export type InvocationOutcome =
  | { readonly kind: 'ok'; readonly payload: unknown; readonly durationMs: number; readonly requestId?: string }
  | {
      readonly kind: 'error';
      readonly errorType: string;
      readonly errorMessage: string;
      readonly durationMs: number;
      readonly requestId?: string;
    };
