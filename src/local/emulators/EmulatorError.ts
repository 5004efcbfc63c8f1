import type { EmulatorName } from './EmulatorName';

/**
 * An emulator could not start, did not answer, or died. The message is one line
 * (newlines of quoted emulator output are folded), fit to print as it is.
 */
export class EmulatorError extends Error {
  /** The emulator concerned. */
  public readonly emulator: EmulatorName;

  constructor(emulator: EmulatorName, message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' | '), options);
    this.name = 'EmulatorError';
    this.emulator = emulator;
  }
}
