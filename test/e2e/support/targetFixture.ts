import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { cloudFormationClient } from '../../../src/cli/targets/resolveTarget';
import { TargetName, type Target } from '../../../src/cli/targets/Target';
import { isProcessAlive, readLocalState } from '../../../src/local/state';
import { readCloudAssembly, type CloudFormationTemplate } from '../../../src/local/template';
import { CLI_NODE_ARGS } from '../../support/cliFromSources';
import { synthesizedAssembly, type SynthesizedAssembly } from '../../unit/local/support/synthesizedAssembly';
import { resolveE2eTarget, targetFlags, type E2eSettings } from './e2eSettings';

const CLI = CLI_NODE_ARGS;

/** What a `streamtally` command printed and how it exited. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The target under test: the CLI pointed at it, its resolved clients and resources, and how to let it go. */
export interface TargetFixture {
  readonly settings: E2eSettings;
  /** Resolved as the CLI resolves it: stack outputs, or the local state file. */
  readonly target: Target;
  /** The project the local stack runs in (its `.streamtally/`, its `cdk.out`); absent for other targets. */
  readonly projectRoot?: string;
  /** Runs `streamtally <args> <target flags>` as a user would, from the project the target belongs to. */
  cli(args: readonly string[], input?: string): Promise<CliResult>;
  /** The template the target's stack runs: as deployed (CloudFormation) or as the local stack read it (cdk.out). */
  deployedTemplate(): Promise<CloudFormationTemplate>;
  /** Stops what the fixture started (the local stack) and deletes its files. */
  close(): Promise<void>;
}

/**
 * Opens the target of `settings`. `local` starts `streamtally local up` in a
 * temporary project whose cdk.out is the synthesized stack (two shards) and waits
 * for READY; `localstack` and `aws` must already be deployed, and are refused
 * unless the flags named them (see e2eSettings.ts).
 */
export async function openTarget(settings: E2eSettings): Promise<TargetFixture> {
  if (settings.target !== TargetName.local) {
    const target = await resolveE2eTarget(settings);
    return {
      settings,
      target,
      cli: (args, input) => runCli([...args, ...targetFlags(settings)], process.cwd(), input),
      deployedTemplate: async () => {
        const client = cloudFormationClient(settings.target as 'localstack' | 'aws', target.region, target.endpoint);
        try {
          const { TemplateBody } = await client.send(new GetTemplateCommand({ StackName: target.stackName }));
          return JSON.parse(TemplateBody ?? '{}') as CloudFormationTemplate;
        } finally {
          client.destroy();
        }
      },
      close: async () => destroyClients(target),
    };
  }
  return openLocalTarget(settings);
}

async function openLocalTarget(settings: E2eSettings): Promise<TargetFixture> {
  const assembly: SynthesizedAssembly = synthesizedAssembly({ shardCount: 2 }, 'Streamtally-dev');
  const project = mkdtempSync(path.join(tmpdir(), 'streamtally-e2e-'));
  symlinkSync(assembly.assemblyDir, path.join(project, 'cdk.out'));
  const cleanFiles = () => {
    rmSync(project, { recursive: true, force: true });
    assembly.remove();
  };
  // Its progress goes to a file: nothing reads a pipe while the tests run, and a full pipe would stall it.
  const logFile = path.join(project, 'local-up.log');
  const progress = openSync(logFile, 'w');
  const stack = spawn(process.execPath, [...CLI, 'local', 'up'], { cwd: project, stdio: ['ignore', 'pipe', progress] });
  closeSync(progress);
  let target: Target;
  try {
    await waitForLine(stack, /^READY .+$/m, 120_000);
    target = await resolveE2eTarget(settings, { projectRoot: project });
  } catch (error) {
    stack.kill('SIGKILL');
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    cleanFiles();
    throw new Error(`${(error as Error).message}\nlocal up's progress:\n${log}`, { cause: error });
  }
  return {
    settings,
    target,
    projectRoot: project,
    cli: (args, input) => runCli([...args, ...targetFlags(settings)], project, input),
    deployedTemplate: async () => readCloudAssembly(path.join(project, 'cdk.out'), target.stackName).template,
    close: async () => {
      destroyClients(target);
      const state = readLocalState(project, { allowStale: true });
      const exited = new Promise((resolve) => (stack.exitCode === null ? stack.once('exit', resolve) : resolve(undefined)));
      await runCli(['local', 'down'], project);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      for (const pid of [state.pid, ...Object.values(state.emulatorPids)]) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      cleanFiles();
    },
  };
}

/** Runs the CLI without blocking the event loop; `input` goes to its stdin. */
export function runCli(args: readonly string[], cwd: string, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local up exited with ${code} before READY; output:\n${output}`));
    });
  });
}

function destroyClients(target: Target): void {
  target.kinesis.destroy();
  target.dynamo.destroy();
  target.s3.destroy();
}
