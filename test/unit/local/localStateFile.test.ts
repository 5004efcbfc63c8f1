import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LocalState,
  LocalStateError,
  localPaths,
  localResourcesFromOutputs,
  readLocalState,
  removeLocalState,
  writeLocalState,
} from '../../../src/local/state';

const outputs = {
  StreamName: 'streamtally-eventstream',
  StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/streamtally-eventstream',
  AggregatesTableName: 'streamtally-aggregates',
  CheckpointTableName: 'streamtally-checkpoints',
  QuarantineName: 'streamtally-quarantine',
  AlarmTopicArn: 'arn:aws:sns:us-east-1:000000000000:streamtally-alarms',
  DashboardName: 'streamtally-dev',
};

const state = (pid: number): LocalState => ({
  region: 'us-east-1',
  endpoints: { kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2', s3: 'http://127.0.0.1:3' },
  resources: localResourcesFromOutputs(outputs),
  outputs,
  stackName: 'Streamtally-dev',
  pid,
  emulatorPids: { kinesis: 11, dynamodb: 12, s3: 13 },
  startedAt: '2026-11-26T12:00:00.000Z',
});

describe('the local state file', () => {
  const roots: string[] = [];
  const projectRoot = () => {
    const root = mkdtempSync(path.join(tmpdir(), 'streamtally-project-'));
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const stateError = (run: () => unknown): LocalStateError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(LocalStateError);
      expect((error as Error).message).not.toContain('\n');
      return error as LocalStateError;
    }
    throw new Error('expected a LocalStateError');
  };

  it('maps the template outputs to the resources commands use', () => {
    expect(localResourcesFromOutputs(outputs)).toEqual({
      streamName: outputs.StreamName,
      streamArn: outputs.StreamArn,
      aggregatesTable: outputs.AggregatesTableName,
      checkpointTable: outputs.CheckpointTableName,
      quarantineBucket: outputs.QuarantineName,
      alarmTopicArn: outputs.AlarmTopicArn,
      dashboardName: outputs.DashboardName,
    });
    const { CheckpointTableName: _, ...withoutCheckpoints } = outputs;
    expect(stateError(() => localResourcesFromOutputs(withoutCheckpoints)).message).toBe(
      'the template has no output CheckpointTableName; the local stack cannot find its resources without it',
    );
  });

  it('writes atomically and reads back what it wrote', () => {
    const root = projectRoot();
    const file = writeLocalState(state(process.pid), root);
    expect(file).toBe(path.join(root, '.streamtally', 'local.json'));
    expect(readdirSync(path.join(root, '.streamtally'))).toEqual(['local.json']);
    expect(readLocalState(root)).toEqual(state(process.pid));
  });

  it('says how to start a stack when there is none', () => {
    const error = stateError(() => readLocalState(projectRoot()));
    expect(error.reason).toBe('absent');
    expect(error.message).toBe('no local stack is running; start one with `streamtally local up`');
  });

  it('says the stack has exited when its process is gone', () => {
    const root = projectRoot();
    const exited = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeLocalState(state(exited), root);
    const error = stateError(() => readLocalState(root));
    expect(error.reason).toBe('stale');
    expect(error.message).toBe(
      `no local stack is running (the one recorded in ${localPaths(root).stateFile}, pid ${exited}, has exited); start one with \`streamtally local up\``,
    );
    expect(readLocalState(root, { allowStale: true }).pid).toBe(exited);
  });

  it('names a malformed file', () => {
    const root = projectRoot();
    mkdirSync(path.join(root, '.streamtally'));
    writeFileSync(localPaths(root).stateFile, '{"region":"us-east-1"}');
    expect(stateError(() => readLocalState(root)).message).toBe(
      `${localPaths(root).stateFile} is malformed (no endpoints.kinesis); delete it and start one with \`streamtally local up\``,
    );
  });

  it('removes the file only for the stack that wrote it', () => {
    const root = projectRoot();
    writeLocalState(state(process.pid), root);
    removeLocalState(root, process.pid + 1);
    expect(readLocalState(root).pid).toBe(process.pid);
    removeLocalState(root, process.pid);
    expect(stateError(() => readLocalState(root)).reason).toBe('absent');
  });
});
