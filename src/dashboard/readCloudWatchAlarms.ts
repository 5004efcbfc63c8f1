import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmStatus } from './DashboardSource';

/**
 * The states of a deployed stack's alarms (metric and composite), by their name
 * prefix `streamtally-<stage>-` (lib/Monitoring.ts names every alarm so), from
 * CloudWatch itself. Used by `dashboard --target aws|localstack`, with the user's
 * credentials; needs cloudwatch:DescribeAlarms.
 */
export async function readCloudWatchAlarms(cloudwatch: CloudWatchClient, namePrefix: string): Promise<AlarmStatus[]> {
  const alarms: AlarmStatus[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: namePrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: nextToken }),
    );
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (alarm.AlarmName && alarm.StateValue) alarms.push({ name: alarm.AlarmName, state: alarm.StateValue });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return alarms.sort((a, b) => a.name.localeCompare(b.name));
}
