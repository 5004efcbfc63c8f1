import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

/** Runs `main(argv)` in a fresh Node.js process and lists the packages it loaded. */
function packagesLoadedBy(argv: readonly string[]): string[] {
  const script = `
    const { main } = require(${JSON.stringify(MAIN)});
    main(${JSON.stringify(argv)}, () => {}).catch(() => {}).finally(() => {
      const packages = new Set(Object.keys(require.cache).filter((file) => file.includes('/node_modules/'))
        .map((file) => file.split('/node_modules/').pop().split('/').slice(0, 2).join('/')));
      process.stdout.write(JSON.stringify([...packages]));
    });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as string[];
}

describe('the CLI loads a command only when it runs', () => {
  it('prints --help without loading the AWS SDK', () => {
    expect(packagesLoadedBy(['--help']).filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'))).toEqual([]);
  });

  it('loads the SDK for a command that runs', () => {
    expect(
      packagesLoadedBy(['query', '--type', 'x', '--window', '1m', '--target', 'aws', '--region', 'nowhere-1', '--stage', 'none']),
    ).toContain('@aws-sdk/client-dynamodb');
  });
});
