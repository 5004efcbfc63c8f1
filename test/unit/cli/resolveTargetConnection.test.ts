import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/cli/targets/resolveTarget';
import { UserError } from '../../../src/cli/errors';

// No mock here: the error comes from the SDK's own HTTP handler, as a user sees it.
describe('resolveTarget --target localstack with nothing listening', () => {
  it('says to start LocalStack, in one line', async () => {
    const port = await closedPort();
    const error = await resolveTarget({ target: 'localstack', endpoint: `http://127.0.0.1:${port}` }, { env: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `LocalStack does not answer at http://127.0.0.1:${port} (ECONNREFUSED); start it with \`docker compose up -d --wait\` (see docs/targets.md)`,
    );
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
