import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DashboardReader } from '../../dashboard/DashboardReader';
import type { AlarmStatus } from '../../dashboard/DashboardSource';
import { readLocalAlarmLog } from '../../dashboard/readLocalAlarmLog';
import { startDashboardServer, type DashboardServer } from '../../dashboard/startDashboardServer';
import { TargetName } from '../targets/Target';
import { readLocalStateForCli } from '../targets/localTarget';
import { DEFAULT_STAGE, LOCALSTACK_CREDENTIALS, resolveTarget } from '../targets/resolveTarget';
import { integerFlag, parseFlags } from '../parseFlags';
import { UserError } from '../errors';

import { DEFAULT_DASHBOARD_PORT, dashboardUsage } from './dashboardUsage';

const TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** `streamtally dashboard`: the web dashboard of a target (docs/contract.md §2). */
export async function dashboardCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values } = parseFlags('dashboard', argv, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    types: { type: 'string' },
    consumer: { type: 'string', multiple: true },
  });
  if (values.help) return out(dashboardUsage);
  const port = integerFlag('port', values.port, DEFAULT_DASHBOARD_PORT, 0, 65_535);
  const eventTypes = values.types === undefined ? undefined : typesFlag(values.types);
  const target = await resolveTarget(values);
  let alarmStates: () => Promise<readonly AlarmStatus[] | undefined> = async () => undefined;
  if (target.name === TargetName.local) {
    const projectRoot = process.cwd();
    const { startedAt } = readLocalStateForCli(projectRoot);
    alarmStates = () => readLocalAlarmLog(projectRoot, startedAt);
  } else {
    // Loaded only here: every command (and `demo`) imports this file, and the local target needs no CloudWatch client.
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
    const { readCloudWatchAlarms } = await import('../../dashboard/readCloudWatchAlarms');
    const cloudwatch =
      target.name === TargetName.localstack
        ? new CloudWatchClient({
            region: target.region,
            endpoint: target.endpoint,
            credentials: LOCALSTACK_CREDENTIALS,
            requestHandler: new NodeHttpHandler(),
          })
        : new CloudWatchClient({ region: target.region });
    alarmStates = () => readCloudWatchAlarms(cloudwatch, `streamtally-${values.stage ?? DEFAULT_STAGE}-`);
  }
  const reader = new DashboardReader({ ...target, consumers: values.consumer ?? ['aggregator'], eventTypes, alarmStates });
  const server = await listenForCli(reader, values.host, port);
  out(values.json ? JSON.stringify({ url: server.url }) : `dashboard at ${server.url} (${target.name} target; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Starts the server; a taken port or an address this machine does not have is one line. */
export async function listenForCli(reader: DashboardReader, host: string, port: number): Promise<DashboardServer> {
  try {
    return await startDashboardServer({ reader, host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`dashboard: port ${port} on ${host} is taken; pass --port N (0 picks a free one)`, 2, { cause: error });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UserError(`dashboard: cannot listen on --host ${host} (${code})`, 2, { cause: error });
    }
    throw error;
  }
}

function typesFlag(text: string): string[] {
  const types = text.split(',').map((type) => type.trim());
  const bad = types.find((type) => !TYPE_PATTERN.test(type));
  if (bad !== undefined)
    throw new UserError(`dashboard: --types must be event types separated by commas (A-Z a-z 0-9 _ . : -), got "${bad}"`);
  return [...new Set(types)];
}
