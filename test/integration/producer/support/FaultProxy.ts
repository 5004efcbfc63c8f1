import { buffer } from 'node:stream/consumers';
import {
  createServer,
  request as httpRequest,
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** One record of a PutRecords request body (awsJson1_1: the data is base64). */
export interface PutRecordsEntry {
  readonly Data: string;
  readonly PartitionKey: string;
}

/** What the proxy does with one PutRecords request. */
export type Fault =
  /** Forward it and return the answer. */
  | { readonly kind: 'pass' }
  /** Forward it, and return the answer after `ms`. */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Forward only the records `refuse` lets through and answer 200 with the
   * others marked `errorCode`: a partial failure, as Kinesis gives one.
   */
  | { readonly kind: 'partial'; readonly refuse: (index: number, entry: PutRecordsEntry) => boolean; readonly errorCode?: string }
  /** Answer 400 ProvisionedThroughputExceededException; nothing forwarded. */
  | { readonly kind: 'throttle' }
  /** Answer 500 InternalFailure; nothing forwarded. */
  | { readonly kind: 'serverError' }
  /** Reset the connection; nothing forwarded. */
  | { readonly kind: 'reset' }
  /** Forward it (the server writes the records), then reset the connection: the client sees a failure. */
  | { readonly kind: 'forwardThenReset' }
  /** Forward it, then never answer: the client times out. */
  | { readonly kind: 'forwardThenHang' };

/** Chooses the fault for the `index`-th PutRecords request (from 0). */
export type FaultPlan = (index: number, entries: readonly PutRecordsEntry[]) => Fault;

const JSON_TYPE = 'application/x-amz-json-1.1';

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of a Kinesis endpoint.
 * Every API call but PutRecords passes untouched; each PutRecords meets the
 * fault its plan chooses. The proxy keeps the ground truth the tests check
 * against: every record the server wrote while the client saw a failure.
 */
export class FaultProxy {
  /** Records written by the server whose answer never reached the client. */
  readonly unacknowledgedWrites: PutRecordsEntry[] = [];
  /** Faults applied, by kind. */
  readonly applied = new Map<Fault['kind'], number>();
  private requests = 0;
  private readonly hanging = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true });

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    private plan: FaultPlan,
  ) {}

  /** Starts a proxy to `upstream` (an `http://host:port` endpoint). */
  static async start(upstream: string, plan: FaultPlan = () => ({ kind: 'pass' })): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((request, response) => {
      proxy!.handle(request, response).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
    proxy = new FaultProxy(server, new URL(upstream), plan);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** Replaces the plan and forgets what was recorded, for the next scenario. */
  reset(plan: FaultPlan): void {
    this.plan = plan;
    this.requests = 0;
    this.unacknowledgedWrites.length = 0;
    this.applied.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.hanging) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await buffer(request);
    if (request.headers['x-amz-target'] !== 'Kinesis_20131202.PutRecords') {
      const answer = await this.forward(request.headers, body);
      return send(response, answer.status, answer.headers, answer.body);
    }
    const input = JSON.parse(body.toString('utf8')) as { StreamName?: string; StreamARN?: string; Records: PutRecordsEntry[] };
    const fault = this.plan(this.requests++, input.Records);
    this.applied.set(fault.kind, (this.applied.get(fault.kind) ?? 0) + 1);

    switch (fault.kind) {
      case 'throttle':
        return sendError(response, 400, 'ProvisionedThroughputExceededException', 'Rate exceeded for stream (fault injected)');
      case 'serverError':
        return sendError(response, 500, 'InternalFailure', 'internal failure (fault injected)');
      case 'reset':
        request.socket.destroy();
        return;
      case 'partial':
        return this.partial(request.headers, input, fault, response);
      default:
        break;
    }

    const answer = await this.forward(request.headers, body);
    const written = writtenEntries(input.Records, answer.body, answer.status);
    if (fault.kind === 'forwardThenReset') {
      this.unacknowledgedWrites.push(...written);
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'forwardThenHang') {
      this.unacknowledgedWrites.push(...written);
      this.hanging.add(request.socket);
      return;
    }
    if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (request.socket.destroyed) {
      // The client gave up before the answer: the writes are unacknowledged.
      this.unacknowledgedWrites.push(...written);
      return;
    }
    send(response, answer.status, answer.headers, answer.body);
  }

  /** Forwards only the records the fault lets through and merges the answers. */
  private async partial(
    headers: IncomingHttpHeaders,
    input: { Records: PutRecordsEntry[] } & Record<string, unknown>,
    fault: Extract<Fault, { kind: 'partial' }>,
    response: ServerResponse,
  ): Promise<void> {
    const refused = input.Records.map((entry, index) => fault.refuse(index, entry));
    const forwarded = input.Records.filter((_, index) => !refused[index]);
    let upstreamResults: Record<string, unknown>[] = [];
    let upstreamFailed = 0;
    if (forwarded.length > 0) {
      const answer = await this.forward(headers, Buffer.from(JSON.stringify({ ...input, Records: forwarded })));
      if (answer.status !== 200) return send(response, answer.status, answer.headers, answer.body);
      const parsed = JSON.parse(answer.body.toString('utf8')) as { Records: Record<string, unknown>[]; FailedRecordCount?: number };
      upstreamResults = parsed.Records;
      upstreamFailed = parsed.FailedRecordCount ?? 0;
    }
    const errorCode = fault.errorCode ?? 'ProvisionedThroughputExceededException';
    let next = 0;
    const Records = input.Records.map((_, index) =>
      refused[index] ? { ErrorCode: errorCode, ErrorMessage: `${errorCode} (fault injected)` } : upstreamResults[next++]!,
    );
    const merged = { FailedRecordCount: upstreamFailed + refused.filter(Boolean).length, Records };
    send(response, 200, { 'content-type': JSON_TYPE }, Buffer.from(JSON.stringify(merged)));
  }

  private forward(headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const outgoing: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'expect', 'host'].includes(name))
        outgoing[name] = value;
    }
    outgoing['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        { host: this.upstream.hostname, port: this.upstream.port, method: 'POST', path: '/', headers: outgoing, agent: this.agent },
        (answer) => {
          buffer(answer).then(
            (answerBody) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: answerBody }),
            reject,
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

/** The records of a forwarded request that the server answered as written. */
function writtenEntries(entries: readonly PutRecordsEntry[], answerBody: Buffer, status: number): PutRecordsEntry[] {
  if (status !== 200) return [];
  const { Records } = JSON.parse(answerBody.toString('utf8')) as { Records: { ErrorCode?: string }[] };
  return entries.filter((_, index) => !Records[index]?.ErrorCode);
}

function send(response: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer): void {
  if (response.destroyed) return;
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) kept[name] = value;
  }
  response.writeHead(status, { ...kept, 'content-length': String(body.length) });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { 'content-type': JSON_TYPE, 'x-amzn-errortype': type }, Buffer.from(JSON.stringify({ __type: type, message })));
}
