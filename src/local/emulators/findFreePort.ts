import * as net from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago: the kernel's pick for port 0,
 * released at once so that an emulator can take it. Another process may take it in
 * between; the caller retries on EADDRINUSE.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
