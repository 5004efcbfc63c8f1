import { type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import { newApp, synthStack } from './synthStack';

// cdk-nag 3 is a policy-validation plugin (not an Aspect): `cdk synth` fails on any
// violation, and tests run a pack over the construct tree with validateScope().
const packs = {
  AwsSolutions: new AwsSolutionsChecks(undefined, { verbose: true }),
  Serverless: new ServerlessChecks(undefined, { verbose: true }),
};

function describeViolations(report: PolicyValidationPluginReport): string[] {
  return report.violations.map(
    (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description.slice(0, 160)}`,
  );
}

describe('cdk-nag', () => {
  let stack: StreamtallyStack;
  beforeAll(() => {
    // With data alerts, so that their alarms are checked too.
    stack = synthStack({
      alarmEmail: 'ops@example.com',
      alerts: [
        { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 },
        { name: 'search-spike', type: 'search', key: 'shoes', window: '1h', measure: 'count', risesOver: 5 },
      ],
    }).stack;
  });

  it.each(Object.keys(packs) as (keyof typeof packs)[])('%s finds no errors and no warnings', (name) => {
    const report = packs[name].validateScope(stack);
    expect(describeViolations(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('explains every acknowledgement', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });

  it('lets an app that registers the packs synthesize, and fails it when a rule is broken', () => {
    const synthWithPacks = (breakARule: boolean) => {
      const app = newApp();
      const stack = new StreamtallyStack(app, 'Nagged', { config: resolveConfig() });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
      if (breakARule) {
        // An unacknowledged wildcard on the aggregator's role (AwsSolutions-IAM5).
        stack.aggregator.fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: [stack.quarantine.bucket.arnForObjects('*')] }),
        );
      }
      return app.synth();
    };
    expect(() => synthWithPacks(false)).not.toThrow();
    expect(() => synthWithPacks(true)).toThrow(/AwsSolutions-IAM5\[Action::s3:GetObject\*\]/);
  });
});
