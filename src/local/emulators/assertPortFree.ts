import * as net from 'node:net';
import type { EmulatorName } from './EmulatorName';
import { portTakenError } from './portTakenError';

/**
 * Resolves if `port` can be listened on at 127.0.0.1, else rejects with the one-line
 * {@link portTakenError}. Checked before spawning so that a taken port is reported as
 * such, not as an emulator that failed to start.
 */
export function assertPortFree(port: number, emulator: EmulatorName): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portTakenError(emulator, port) : error);
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
