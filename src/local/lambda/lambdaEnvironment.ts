import { randomBytes } from 'node:crypto';

/** What the environment variables of one function are made of. */
export interface LambdaEnvironmentSpec {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly handler: string;
  readonly taskRoot: string;
  readonly runtimeDirectory: string;
  readonly region: string;
  /** The function's own variables (from the template), credentials and endpoints included. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The environment of one execution environment, as Lambda builds it: the
 * function's variables plus the reserved ones Lambda sets itself (which a
 * function cannot override on AWS, so they win here too). Nothing of the
 * parent process leaks in except `PATH`, so a handler sees the same
 * variables locally as deployed — and cannot pick up the developer's own AWS
 * profile by accident. Credentials are not reserved here: on AWS they come
 * from the execution role, locally the caller passes emulator credentials
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) in
 * `variables`.
 */
export function lambdaEnvironment(spec: LambdaEnvironmentSpec): Record<string, string> {
  const logStreamDate = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const nodeMajor = process.versions.node.split('.')[0];
  return {
    ...spec.variables,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${nodeMajor}.x`,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(spec.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: `${logStreamDate}/[$LATEST]${randomBytes(16).toString('hex')}`,
    LAMBDA_TASK_ROOT: spec.taskRoot,
    LAMBDA_RUNTIME_DIR: spec.runtimeDirectory,
  };
}

/** Lambda's log group of a function. */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}
