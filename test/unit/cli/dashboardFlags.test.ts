import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';

// `streamtally dashboard`'s bad input: one line, exit 2, before anything is started.
describe('streamtally dashboard refuses bad flags with one line', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'streamtally-dashboard-flags-'));
  const cwd = vi.spyOn(process, 'cwd').mockReturnValue(project);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => stderr.mockClear());
  afterAll(() => {
    cwd.mockRestore();
    stderr.mockRestore();
    rmSync(project, { recursive: true, force: true });
  });

  it.each([
    [['--port', '70000'], 'streamtally: --port must be a whole number from 0 to 65535, got "70000"'],
    [
      ['--types', 'page_view,a#b'],
      'streamtally: dashboard: --types must be event types separated by commas (A-Z a-z 0-9 _ . : -), got "a#b"',
    ],
    [['--hots', 'x'], "streamtally: dashboard: Unknown option '--hots'"],
    [[], 'streamtally: no local stack is running; start one with `streamtally local up`'],
  ])('%j', async (args, line) => {
    expect(await main(['dashboard', ...args], () => true)).toBe(2);
    expect(stderr.mock.calls.map(([text]) => String(text))).toEqual([`${line}\n`]);
  });
});
