import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import type { CloudFormationTemplate } from '../../src/local/template/CloudFormationTemplate';

let cached: CloudFormationTemplate | undefined;

/** The stack's template with the default configuration, synthesized once per test process. */
export function synthesizedTemplate(): CloudFormationTemplate {
  if (!cached) {
    const app = new App();
    const stack = new StreamtallyStack(app, 'Streamtally-test', { config: resolveConfig({}) });
    cached = Template.fromStack(stack).toJSON() as CloudFormationTemplate;
  }
  return cached;
}

/** The logical id an output of the template refers to (`{ Ref: id }`). */
export function outputLogicalId(template: CloudFormationTemplate, outputName: string): string {
  const outputs = (template as { Outputs?: Record<string, { Value: { Ref?: string } }> }).Outputs ?? {};
  const ref = outputs[outputName]?.Value?.Ref;
  if (!ref) throw new Error(`output ${outputName} does not refer to a resource`);
  return ref;
}
