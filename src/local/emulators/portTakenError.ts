import type { EmulatorName } from './EmulatorName';
import { EmulatorError } from '../errors';

/**
 * The one-line error for a port the user asked for that something else uses, naming
 * the command-line option (`--<emulator>-port`) that picks another.
 */
export function portTakenError(emulator: EmulatorName, port: number): EmulatorError {
  return new EmulatorError(emulator, `port ${port} is taken (${emulator}); choose another with --${emulator}-port or stop what uses it`);
}
