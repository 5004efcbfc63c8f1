import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one DynamoDB request. */
export type DynamoFault =
  /** Forward it and return the answer. */
  | { readonly kind: 'pass' }
  /** Wait `ms`, then forward it and return the answer (a latency spike). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answer 400 ProvisionedThroughputExceededException; nothing forwarded. */
  | { readonly kind: 'throttle' }
  /** Answer 500 InternalServerError; nothing forwarded. */
  | { readonly kind: 'serverError' }
  /** Reset the connection; nothing forwarded. */
  | { readonly kind: 'reset' }
  /** Forward it (the write lands), then reset the connection: the client sees a failure of a write that happened. */
  | { readonly kind: 'forwardThenReset' }
  /** Forward it (the write lands), then hold the answer for `ms`: long enough, the function times out mid-batch and its worker is killed. */
  | { readonly kind: 'forwardThenHold'; readonly ms: number };

/** Chooses the fault for one request; `operation` is the DynamoDB API name (`UpdateItem`, ...). */
export type DynamoFaultPlan = (operation: string, index: number) => DynamoFault;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of a DynamoDB endpoint
 * (dynalite). Every request meets the fault its plan chooses; the proxy
 * counts what it applied and remembers when the last fault happened (the
 * end of the fault period, for recovery times).
 */
export class DynamoFaultProxy {
  /** Faults applied, by kind. */
  readonly applied: Record<DynamoFault['kind'], number> = { pass: 0, delay: 0, throttle: 0, serverError: 0, reset: 0, forwardThenReset: 0, forwardThenHold: 0 };
  /** Wall-clock time of the last fault other than `pass`; 0 if none. */
  lastFaultAtMs = 0;
  private requests = 0;
  private readonly held = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    private plan: DynamoFaultPlan,
  ) {}

  static async start(upstream: string, plan: DynamoFaultPlan = () => ({ kind: 'pass' })): Promise<DynamoFaultProxy> {
    let proxy: DynamoFaultProxy | undefined;
    const server = createServer((request, response) => {
      proxy!.handle(request, response).catch((error: unknown) => response.destroy(error as Error));
    });
    proxy = new DynamoFaultProxy(server, new URL(upstream), plan);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Every request passes from now on. */
  heal(): void {
    this.plan = () => ({ kind: 'pass' });
  }

  get faultsInjected(): number {
    return Object.entries(this.applied).reduce((sum, [kind, count]) => (kind === 'pass' ? sum : sum + count), 0);
  }

  async close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    const fault = this.plan(operation, this.requests++);
    this.applied[fault.kind] += 1;
    if (fault.kind !== 'pass') this.lastFaultAtMs = Date.now();
    switch (fault.kind) {
      case 'throttle':
        return sendError(response, 400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded (fault injected)');
      case 'serverError':
        return sendError(response, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error (fault injected)');
      case 'reset':
        request.socket.destroy();
        return;
      case 'delay':
        await sleep(fault.ms);
        break;
      default:
        break;
    }
    const answer = await this.forward(request, body);
    if (fault.kind === 'forwardThenReset') {
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'forwardThenHold') {
      this.held.add(request.socket);
      await sleep(fault.ms);
      this.held.delete(request.socket);
      this.lastFaultAtMs = Date.now();
    }
    if (request.socket.destroyed) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  private forward(request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...request.headers, host: this.upstream.host };
      const outgoing = httpRequest(
        { host: this.upstream.hostname, port: this.upstream.port, method: request.method, path: request.url, headers, agent: this.agent },
        (answer) => {
          readBody(answer).then((data) => {
            const answerHeaders = { ...answer.headers };
            delete answerHeaders['transfer-encoding'];
            answerHeaders['content-length'] = String(data.length);
            resolve({ status: answer.statusCode ?? 502, headers: answerHeaders, body: data });
          }, reject);
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'fault-injected' });
  response.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
