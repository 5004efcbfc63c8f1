export { LocalFunction, type LocalFunctionOptions, type LogSource } from './LocalFunction';
export { RuntimeErrorType, type InvocationOutcome } from './InvocationOutcome';
export { LocalLambdaError, LocalFunctionClosedError } from '../errors';
