import { buffer } from 'node:stream/consumers';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type AwsFault =
  /** Forward it and return the answer. */
  | { readonly kind: 'pass' }
  /** Wait `ms`, then forward it and return the answer (a latency spike). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answer 400 ProvisionedThroughputExceededException; nothing forwarded. */
  | { readonly kind: 'throttle' }
  /** Answer 500 (DynamoDB InternalServerError, Kinesis InternalFailure); nothing forwarded. */
  | { readonly kind: 'serverError' }
  /** Answer 503 ServiceUnavailable; nothing forwarded. */
  | { readonly kind: 'unavailable' }
  /** Reset the connection; nothing forwarded. */
  | { readonly kind: 'reset' }
  /** Forward it (a write lands, a read happens), then reset the connection: the client sees a failure of a request that was served. */
  | { readonly kind: 'forwardThenReset' }
  /** Forward it (the write lands), then hold the answer for `ms`: long enough, the function times out mid-batch and its worker is killed. */
  | { readonly kind: 'forwardThenHold'; readonly ms: number };

/** Chooses the fault for one request; `operation` is the API name from X-Amz-Target (`UpdateItem`, `GetRecords`, ...). */
export type AwsFaultPlan = (operation: string, index: number) => AwsFault;

/** The AWS JSON services the proxy can stand in front of. */
export type AwsJsonService = 'dynamodb' | 'kinesis';

interface ErrorShape {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** How each service answers the faults the proxy makes up, as the real service does (protocol and `__type`). */
const ERROR_SHAPES: Record<
  AwsJsonService,
  { readonly contentType: string } & Record<'throttle' | 'serverError' | 'unavailable', ErrorShape>
> = {
  dynamodb: {
    contentType: 'application/x-amz-json-1.0',
    throttle: {
      status: 400,
      type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded (fault injected)',
    },
    serverError: {
      status: 500,
      type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: 'Internal server error (fault injected)',
    },
    unavailable: {
      status: 503,
      type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
      message: 'Service unavailable (fault injected)',
    },
  },
  kinesis: {
    contentType: 'application/x-amz-json-1.1',
    throttle: { status: 400, type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for shard (fault injected)' },
    serverError: { status: 500, type: 'InternalFailure', message: 'Internal service failure (fault injected)' },
    unavailable: { status: 503, type: 'ServiceUnavailable', message: 'Service unavailable (fault injected)' },
  },
};

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of an AWS JSON-protocol
 * endpoint: DynamoDB (dynalite) or Kinesis (kinesalite). Every request
 * meets the fault its plan chooses, answered in the service's own error
 * shape; the proxy counts what it applied, per kind and per operation, and
 * remembers when the last fault happened (the end of the fault period, for
 * recovery times).
 */
export class AwsFaultProxy {
  /** Faults applied, by kind. */
  readonly applied: Record<AwsFault['kind'], number> = {
    pass: 0,
    delay: 0,
    throttle: 0,
    serverError: 0,
    unavailable: 0,
    reset: 0,
    forwardThenReset: 0,
    forwardThenHold: 0,
  };
  /** Faults other than `pass` applied, by operation and kind. */
  readonly appliedTo: Record<string, Partial<Record<AwsFault['kind'], number>>> = {};
  /** Wall-clock time of the last fault other than `pass`; 0 if none. */
  lastFaultAtMs = 0;
  private requests = 0;
  private readonly held = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    private readonly service: AwsJsonService,
    private readonly server: Server,
    private readonly upstream: URL,
    private plan: AwsFaultPlan,
  ) {}

  /** A proxy in front of `upstream`, the endpoint of `service`; every request passes until a plan is given. */
  static async start(service: AwsJsonService, upstream: string, plan: AwsFaultPlan = () => ({ kind: 'pass' })): Promise<AwsFaultProxy> {
    let proxy: AwsFaultProxy | undefined;
    const server = createServer((request, response) => {
      proxy!.handle(request, response).catch((error: unknown) => response.destroy(error as Error));
    });
    proxy = new AwsFaultProxy(service, server, new URL(upstream), plan);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Faults follow `plan` from now on. */
  inject(plan: AwsFaultPlan): void {
    this.plan = plan;
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
    const body = await buffer(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    const fault = this.plan(operation, this.requests++);
    this.applied[fault.kind] += 1;
    if (fault.kind !== 'pass') {
      this.lastFaultAtMs = Date.now();
      const byKind = (this.appliedTo[operation] ??= {});
      byKind[fault.kind] = (byKind[fault.kind] ?? 0) + 1;
    }
    switch (fault.kind) {
      case 'throttle':
      case 'serverError':
      case 'unavailable':
        return sendError(response, ERROR_SHAPES[this.service].contentType, ERROR_SHAPES[this.service][fault.kind]);
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
          buffer(answer).then((data) => {
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

function sendError(response: ServerResponse, contentType: string, { status, type, message }: ErrorShape): void {
  const body = JSON.stringify({ __type: type, message });
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': 'fault-injected',
  });
  response.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
