import type { CloudFormationTemplate } from '../local/template/CloudFormationTemplate';
import { SETTING_VARIABLES } from './ReplaySettings';

/** The consumer the stack deploys (lib/StreamtallyStack.ts). */
export const STACK_CONSUMER = 'aggregator';

/**
 * The settings variables of a consumer function in a synthesized template:
 * the function whose environment has `CONSUMER_NAME` = `consumerName`. Only
 * literal values are taken (the settings are literals; table names, which
 * are references, are not settings).
 * @returns the variables found, or `undefined` when no such function is in the template
 */
export function consumerSettingsFromTemplate(
  template: Pick<CloudFormationTemplate, 'Resources'>,
  consumerName: string = STACK_CONSUMER,
): Record<string, string> | undefined {
  for (const resource of Object.values(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (variables?.CONSUMER_NAME !== consumerName) continue;
    const settings: Record<string, string> = {};
    for (const name of SETTING_VARIABLES) {
      const value = variables[name];
      if (typeof value === 'string') settings[name] = value;
    }
    return settings;
  }
  return undefined;
}
