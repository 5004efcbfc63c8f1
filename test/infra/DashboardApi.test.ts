import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { StreamtallyConfigError } from '../../core';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import type { StreamtallyStack } from '../../lib/StreamtallyStack';
import { synthStack } from './synthStack';

describe('the dashboard HTTP API (dashboardApi)', () => {
  let stack: StreamtallyStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = synthStack({ dashboardApi: true, dashboardApiEventTypes: 'page_view,search' }));
  });

  it('is off by default: no API, no extra function', () => {
    const plain = synthStack().template;
    plain.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    plain.resourceCountIs('AWS::Lambda::Function', 1);
    expect(Object.keys(plain.findOutputs('DashboardApiUrl'))).toEqual([]);
  });

  it('is an HTTP API with one GET route, and every route needs IAM auth', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((route) => route.Properties.RouteKey)).toEqual(['GET /api/{proxy+}']);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('gives its read-only Lambda the stack resources and the configured types', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EVENT_TYPES: 'page_view,search',
          CONSUMER_NAMES: 'aggregator',
          STREAM_NAME: Match.anyValue(),
          AGGREGATES_TABLE: Match.anyValue(),
        }),
      },
    });
    expect(Object.keys(template.findOutputs('DashboardApiUrl'))).toEqual(['DashboardApiUrl']);
  });

  it('logs access and throttles its stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('alarms on its 5xx answers, its p99 latency and its function errors, to the alarm topic', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: Match.stringLikeRegexp('-dashboardApi-') },
    });
    const byMetric = Object.values(alarms).map((alarm) => [
      alarm.Properties.Namespace,
      alarm.Properties.MetricName,
      alarm.Properties.ExtendedStatistic ?? alarm.Properties.Statistic,
    ]);
    expect(byMetric).toEqual([
      ['AWS/ApiGateway', '5xx', 'Sum'],
      ['AWS/ApiGateway', 'Latency', 'p99'],
      ['AWS/Lambda', 'Errors', 'Sum'],
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }]);
      expect(alarm.Properties.Dimensions).toEqual(
        expect.arrayContaining([expect.objectContaining({ Name: expect.stringMatching(/^(ApiId|Stage|FunctionName)$/) })]),
      );
    }
  });

  it.each([
    ['AwsSolutions', new AwsSolutionsChecks(undefined, { verbose: true })],
    ['Serverless', new ServerlessChecks(undefined, { verbose: true })],
  ])('is cdk-nag clean (%s)', (_name, pack) => {
    const report = pack.validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('refuses an event type that could never exist', () => {
    expect(() => resolveConfig({ dashboardApiEventTypes: 'page_view,a#b' })).toThrow(StreamtallyConfigError);
    expect(() => resolveConfig({ dashboardApiEventTypes: 'page_view,a#b' })).toThrow(
      'dashboardApiEventTypes must be event types separated by commas (A-Z a-z 0-9 _ . : -), got "a#b"',
    );
  });
});
