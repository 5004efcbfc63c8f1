import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudWatchAlarms } from '../../../src/dashboard/readCloudWatchAlarms';

describe('readCloudWatchAlarms: alarm states of a deployed stack', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  afterAll(() => cloudwatch.restore());

  it('reads every page, metric and composite alarms, by the stage prefix', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({ MetricAlarms: [{ AlarmName: 'streamtally-prod-b', StateValue: 'OK' }], NextToken: 'page-2' })
      .on(DescribeAlarmsCommand, { NextToken: 'page-2' })
      .resolves({
        MetricAlarms: [{ AlarmName: 'streamtally-prod-c', StateValue: 'INSUFFICIENT_DATA' }],
        CompositeAlarms: [{ AlarmName: 'streamtally-prod-a', StateValue: 'ALARM' }],
      });
    const client = new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    expect(await readCloudWatchAlarms(client, 'streamtally-prod-')).toEqual([
      { name: 'streamtally-prod-a', state: 'ALARM' },
      { name: 'streamtally-prod-b', state: 'OK' },
      { name: 'streamtally-prod-c', state: 'INSUFFICIENT_DATA' },
    ]);
    const inputs = cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { AlarmNamePrefix: 'streamtally-prod-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: undefined },
      { AlarmNamePrefix: 'streamtally-prod-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: 'page-2' },
    ]);
  });
});
