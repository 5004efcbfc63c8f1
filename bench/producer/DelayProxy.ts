import { buffer } from 'node:stream/consumers';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';

/**
 * An HTTP proxy on 127.0.0.1 that answers every request (every API call, not
 * only PutRecords) `delayMs` after the upstream answered: a fixed round trip
 * added per request, as a network to a real region adds one.
 */
export class DelayProxy {
  private readonly agent = new Agent({ keepAlive: true });

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    readonly delayMs: number,
  ) {}

  static async start(upstream: string, delayMs: number): Promise<DelayProxy> {
    let proxy: DelayProxy | undefined;
    const server = createServer((request, response) => {
      void proxy!.handle(request).then(
        (answer) => {
          if (response.destroyed) return;
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
        (error: unknown) => response.destroy(error as Error),
      );
    });
    proxy = new DelayProxy(server, new URL(upstream), delayMs);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const body = await buffer(request);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'host'].includes(name)) headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    const answer = await new Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }>((resolve, reject) => {
      const upstream = httpRequest(
        { host: this.upstream.hostname, port: this.upstream.port, method: request.method, path: request.url, headers, agent: this.agent },
        (response) => {
          buffer(response).then((answerBody) => {
            const kept: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
                kept[name] = value;
            }
            kept['content-length'] = String(answerBody.length);
            resolve({ status: response.statusCode ?? 502, headers: kept, body: answerBody });
          }, reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return answer;
  }
}
