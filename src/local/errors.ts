import { StreamtallyError } from '../../core';
import type { EmulatorName } from './emulators/EmulatorName';

/**
 * The errors of the local runtime (`streamtally local up`), under one base. Every
 * message is one line, fit to print as it is; `local up` prints those of
 * {@link EmulatorError}, {@link TemplateError} (and {@link ProvisionError}),
 * {@link LocalEsmError} and {@link LocalStateError} without a stack trace.
 */
export class LocalRuntimeError extends StreamtallyError {
  override name = 'LocalRuntimeError';
}

/**
 * An emulator could not start, did not answer, or died. The message is one line
 * (newlines of quoted emulator output are folded).
 */
export class EmulatorError extends LocalRuntimeError {
  override name = 'EmulatorError';

  /** The emulator concerned. */
  public readonly emulator: EmulatorName;

  constructor(emulator: EmulatorName, message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' | '), options);
    this.emulator = emulator;
  }
}

/**
 * The synthesized app cannot be read or run locally: `cdk.out` or a template is missing
 * or malformed, a function's asset is missing, a value cannot be resolved. The message
 * names what to do or what is wrong.
 */
export class TemplateError extends LocalRuntimeError {
  override name = 'TemplateError';
}

/**
 * A resource of the plan could not be created in an emulator, or one left by an earlier
 * run is incompatible with the template. One line, naming the resource.
 */
export class ProvisionError extends TemplateError {
  override name = 'ProvisionError';

  /** The resource's logical id in the template. */
  public readonly logicalId: string;

  constructor(logicalId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.logicalId = logicalId;
  }
}

/** The local state file is absent, stale (its process is gone) or unreadable. The message says what to run. */
export class LocalStateError extends LocalRuntimeError {
  override name = 'LocalStateError';

  /** `absent`, `stale` or `malformed`. */
  public readonly reason: 'absent' | 'stale' | 'malformed';

  constructor(reason: 'absent' | 'stale' | 'malformed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The local Lambda runner was misused; never a function error (those are outcomes). */
export class LocalLambdaError extends LocalRuntimeError {
  override name = 'LocalLambdaError';
}

/** `invoke` was called on a function that was closed. */
export class LocalFunctionClosedError extends LocalLambdaError {
  override name = 'LocalFunctionClosedError';

  constructor(
    readonly functionName: string,
    options?: { cause?: unknown },
  ) {
    super(`function ${functionName} is closed`, options);
  }
}

/** The local event source mapping cannot run as configured. */
export class LocalEsmError extends LocalRuntimeError {
  override name = 'LocalEsmError';
}

/** A setting of an event source mapping the local runtime refuses; {@link setting} names it. */
export class MappingSettingError extends LocalEsmError {
  override name = 'MappingSettingError';

  constructor(
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
  }
}

/** A setting out of the range Lambda accepts, or missing where Lambda requires it. */
export class InvalidMappingSettingError extends MappingSettingError {
  override name = 'InvalidMappingSettingError';
}

/** A Lambda setting the local event source mapping does not emulate; refusing it beats silently ignoring it. */
export class UnsupportedMappingSettingError extends MappingSettingError {
  override name = 'UnsupportedMappingSettingError';
}

/**
 * An alarm of the template cannot be evaluated locally: a form CloudWatch has that
 * this evaluator does not (an anomaly-detection threshold, an unknown metric-math
 * function), or an unresolvable reference. The message names the alarm.
 */
export class AlarmEvaluationError extends LocalRuntimeError {
  override name = 'AlarmEvaluationError';
}
