import { TemplateError } from './TemplateError';

/**
 * A resource of the plan could not be created in an emulator, or one left by an earlier
 * run is incompatible with the template. One line, naming the resource.
 */
export class ProvisionError extends TemplateError {
  /** The resource's logical id in the template. */
  public readonly logicalId: string;

  constructor(logicalId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvisionError';
    this.logicalId = logicalId;
  }
}
