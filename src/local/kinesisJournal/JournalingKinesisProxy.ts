import { buffer } from 'node:stream/consumers';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type IteratorPosition, IteratorPositions } from './IteratorPositions';
import { JSON_WIRE, type WireFormat, wireFormatOf } from './wireFormat';
import type { WriteAheadJournal } from './WriteAheadJournal';

/** An answer to give a client: status and JSON body. */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
}

/** Options of {@link JournalingKinesisProxy.start}. */
export interface JournalingKinesisProxyOptions {
  /** The emulator's own endpoint, `http://127.0.0.1:<port>`; the same across its restarts. */
  readonly upstream: string;
  readonly journal: WriteAheadJournal;
  /** Port on 127.0.0.1; a free one when undefined. */
  readonly port?: number;
  /** How long a failed forward waits to learn whether the emulator died (then it waits for the restart). @default 2000 */
  readonly deathNoticeMs?: number;
}

const PUT_OPERATIONS = new Set(['PutRecord', 'PutRecords']);

/**
 * The Kinesis endpoint of the local stack: an HTTP front of the Kinesis emulator that
 * makes an acknowledged put survive the emulator's death.
 *
 * kinesis-mock answers a put as soon as the record is in its memory and writes its
 * memory to disk every few seconds; killed in between, it comes back without records it
 * acknowledged, and hands their sequence numbers to new records (a consumer that had
 * checkpointed the lost ones would then skip the new ones). This front writes every put
 * to a {@link WriteAheadJournal} before the emulator sees it and the answer after, and
 * lets one put through at a time, so the journal's order is the emulator's. After a
 * restart the recovery puts the lost records back in that order, each at its old
 * position in its shard; meanwhile every request waits here ({@link pause}) and the put
 * that was in flight gets the answer the recovery found for it.
 *
 * Reads pass through untouched, except where they name a record the recovery moved: a
 * `GetShardIterator` at its sequence number is sent with the number it has now, and a
 * `GetRecords` with an iterator positioned at it is made again with one that is.
 */
export class JournalingKinesisProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly upstream: URL;
  private putQueue: Promise<unknown> = Promise.resolve();
  private gate: Promise<void> = Promise.resolve();
  private openGate: (() => void) | undefined;
  private deathNotice: Promise<void>;
  private noticeDeath!: () => void;
  private readonly inDoubtAnswers = new Map<number, (answer: ProxyAnswer | undefined) => void>();
  /** `<shardId> <old sequence number>` → the number the record has since a recovery moved it. */
  private moves = new Map<string, string>();
  private readonly iterators = new IteratorPositions();

  private constructor(
    private readonly server: Server,
    private readonly options: JournalingKinesisProxyOptions,
  ) {
    this.upstream = new URL(options.upstream);
    this.deathNotice = this.newDeathNotice();
  }

  static async start(options: JournalingKinesisProxyOptions): Promise<JournalingKinesisProxy> {
    let proxy: JournalingKinesisProxy | undefined;
    const server = createServer((request, response) => {
      proxy!.handle(request, response).catch((error: unknown) => sendError(response, 500, 'InternalFailure', (error as Error).message));
    });
    proxy = new JournalingKinesisProxy(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** The emulator died: requests wait from now on, until {@link resume}. */
  pause(): void {
    if (this.openGate) return;
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    this.noticeDeath();
  }

  /**
   * The emulator is back and holds every acknowledged record again. `answers` are the
   * recovery's answers to the puts that were in doubt, by journal id; `moves` the
   * records it put again, by `<shardId> <old sequence number>`.
   */
  resume(answers: ReadonlyMap<number, ProxyAnswer>, moves: ReadonlyMap<string, string>): void {
    this.moves = new Map([...this.moves, ...moves]);
    for (const [id, settle] of this.inDoubtAnswers) settle(answers.get(id));
    this.inDoubtAnswers.clear();
    this.deathNotice = this.newDeathNotice();
    const open = this.openGate;
    this.openGate = undefined;
    open?.();
  }

  async close(): Promise<void> {
    for (const settle of this.inDoubtAnswers.values()) settle(undefined);
    this.openGate?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private newDeathNotice(): Promise<void> {
    return new Promise((resolve) => (this.noticeDeath = resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    const body = await buffer(request);
    const answer = PUT_OPERATIONS.has(operation)
      ? await this.put(operation as 'PutRecord' | 'PutRecords', request.headers, body, () => response.destroyed || request.socket.destroyed)
      : await this.read(operation, request, body);
    if (response.destroyed) return;
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    headers['content-length'] = String(answer.body.length);
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  }

  /** One put at a time, journaled before and after. */
  private put(operation: 'PutRecord' | 'PutRecords', headers: IncomingHttpHeaders, body: Buffer, abandoned: () => boolean): Promise<Forwarded> {
    const turn = this.putQueue.then(async (): Promise<Forwarded> => {
      await this.gate;
      // The client gave up while the put waited its turn (its timeout): it has been told the put
      // failed and will send it again, so it is not stored now; storing it would only add a copy.
      if (abandoned()) return errorAnswer(wireFormatOf(headers), 500, 'InternalFailure', 'the client went away before the put was forwarded');
      const wire = wireFormatOf(headers);
      const id = this.options.journal.appendRequest(operation, wire.toJsonText(body));
      try {
        const answer = await this.forward('POST', '/', headers, body);
        this.options.journal.appendResponse(id, answer.status, answer.status === 200 ? wireFormatOf(answer.headers).toJsonText(answer.body) : '');
        return answer;
      } catch (error) {
        if (!(await this.emulatorDied())) {
          // A failure of a living emulator: the put may or may not have been stored; the
          // client is told it failed and retries, as against Kinesis.
          this.options.journal.appendSettled(id);
          return errorAnswer(wire, 500, 'InternalFailure', `the Kinesis emulator did not answer: ${(error as Error).message}`);
        }
        const recovered = await new Promise<ProxyAnswer | undefined>((resolve) => this.inDoubtAnswers.set(id, resolve));
        if (!recovered) return errorAnswer(wire, 503, 'ServiceUnavailable', 'the Kinesis emulator stopped');
        return { status: recovered.status, headers: { 'content-type': wire.contentType }, body: wire.encode(JSON.parse(recovered.body) as Record<string, unknown>) };
      }
    });
    this.putQueue = turn.catch(() => undefined);
    return turn;
  }

  /** Anything but a put: passed through; once more after a restart when the emulator died under it. */
  private async read(operation: string, request: IncomingMessage, body: Buffer): Promise<Forwarded> {
    const method = request.method ?? 'POST';
    const url = request.url ?? '/';
    const wire = wireFormatOf(request.headers);
    for (let attempt = 1; ; attempt++) {
      await this.gate;
      try {
        if (operation === 'GetShardIterator') {
          const sent = this.movedIteratorRequest(wire, body);
          const answer = await this.forward(method, url, request.headers, sent);
          if (answer.status === 200) this.iterators.learnFromGetShardIterator(wire.toJsonText(sent), wireFormatOf(answer.headers).toJsonText(answer.body));
          return answer;
        }
        if (operation === 'GetRecords') return await this.getRecords(method, url, request.headers, body);
        return await this.forward(method, url, request.headers, body);
      } catch (error) {
        if (attempt >= 3 || !(await this.emulatorDied())) return errorAnswer(wire, 500, 'InternalFailure', `the Kinesis emulator did not answer: ${(error as Error).message}`);
      }
    }
  }

  /**
   * GetRecords, following the iterator's position: an iterator that names a record the
   * emulator no longer holds fails there. It is replaced by one at the record's new
   * place when the restore moved it, or else at the first record after it (the records
   * the emulator lost and nobody had acknowledged, such as those of a put in flight
   * that a reader saw before the emulator answered it), and the read is made again.
   */
  private async getRecords(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Forwarded> {
    const wire = wireFormatOf(headers);
    const input = wire.decode(body);
    const iterator = String(input.ShardIterator);
    const answer = await this.forward(method, url, headers, body);
    const position = this.iterators.positionOf(iterator);
    if (answer.status === 400 && position?.sequenceNumber !== undefined && answer.body.includes('ResourceNotFoundException')) {
      const replacement = await this.replacementIterator(method, url, headers, position as Required<IteratorPosition>);
      if (replacement === undefined) return answer;
      const again = await this.forward(method, url, headers, wire.encode({ ...input, ShardIterator: replacement }));
      if (again.status === 200) this.iterators.learnFromGetRecords(replacement, jsonOf(again));
      return again;
    }
    if (answer.status === 200 && this.iterators.knows(iterator)) this.iterators.learnFromGetRecords(iterator, jsonOf(answer));
    return answer;
  }

  /** An iterator for `position` where the record it names is now, or at the first record after it. */
  private async replacementIterator(method: string, url: string, headers: IncomingHttpHeaders, position: Required<IteratorPosition>): Promise<string | undefined> {
    // The front's own calls are JSON, whatever the client speaks.
    const call = async (operation: string, input: Record<string, unknown>) => {
      const answer = await this.forward(method, url, { ...headers, 'x-amz-target': `Kinesis_20131202.${operation}`, 'content-type': JSON_WIRE.contentType }, JSON_WIRE.encode(input));
      return answer.status === 200 ? (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>) : undefined;
    };
    const shard = { ...position.stream, ShardId: position.shardId };
    const moved = this.moves.get(`${position.shardId} ${position.sequenceNumber}`);
    let request: Record<string, unknown> | undefined = moved === undefined ? undefined : { ...shard, ShardIteratorType: position.type, StartingSequenceNumber: moved };
    if (!request) {
      const next = await this.firstRecordBeyond(call, shard, position);
      request = next === undefined ? { ...shard, ShardIteratorType: 'LATEST' } : { ...shard, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: next };
    }
    const answer = await call('GetShardIterator', request);
    const iterator = answer?.ShardIterator;
    if (typeof iterator !== 'string') return undefined;
    this.iterators.learnFromGetShardIterator(JSON.stringify(request), JSON.stringify(answer));
    return iterator;
  }

  /**
   * The sequence number of the first record after (or at) the position's, read from a
   * little before the journal's oldest entry: what the emulator lost is newer than that.
   */
  private async firstRecordBeyond(
    call: (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>,
    shard: Record<string, unknown>,
    position: Required<IteratorPosition>,
  ): Promise<string | undefined> {
    const oldestMs = this.options.journal.oldestEntryMs();
    const start = oldestMs === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: (oldestMs - 2_000) / 1000 };
    const beyond = BigInt(position.sequenceNumber);
    let iterator = (await call('GetShardIterator', { ...shard, ...start }))?.ShardIterator;
    while (typeof iterator === 'string') {
      const page = await call('GetRecords', { ShardIterator: iterator, Limit: 10_000 });
      if (!page) return undefined;
      const records = (page.Records as { SequenceNumber: string }[] | undefined) ?? [];
      for (const record of records) {
        const sequenceNumber = BigInt(record.SequenceNumber);
        if (sequenceNumber > beyond || (position.type === 'AT_SEQUENCE_NUMBER' && sequenceNumber === beyond)) return record.SequenceNumber;
      }
      if (records.length === 0 && page.MillisBehindLatest === 0) return undefined;
      iterator = page.NextShardIterator;
    }
    return undefined;
  }

  /** A GetShardIterator at a moved record asks for it where it is now. */
  private movedIteratorRequest(wire: WireFormat, body: Buffer): Buffer {
    if (this.moves.size === 0) return body;
    const input = wire.decode(body);
    const moved = typeof input.StartingSequenceNumber === 'string' ? this.moves.get(`${String(input.ShardId)} ${input.StartingSequenceNumber}`) : undefined;
    return moved === undefined ? body : wire.encode({ ...input, StartingSequenceNumber: moved });
  }

  /** Whether the failure was the emulator's death (noticed within a moment). */
  private async emulatorDied(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const died = await Promise.race([
      this.deathNotice.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.options.deathNoticeMs ?? 2000))),
    ]);
    clearTimeout(timer);
    return died;
  }

  private forward(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Forwarded> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: this.upstream.hostname, port: this.upstream.port, method, path: url, headers: { ...headers, host: this.upstream.host, 'content-length': String(body.length) }, agent: this.agent },
        (answer) => {
          buffer(answer).then((data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }), reject);
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

interface Forwarded {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An answer's JSON: a JSON body as it is (bytes), a CBOR one converted. */
function jsonOf(answer: Forwarded): string | Buffer {
  const wire = wireFormatOf(answer.headers);
  return wire === JSON_WIRE ? answer.body : wire.toJsonText(answer.body);
}

function errorAnswer(wire: WireFormat, status: number, type: string, message: string): Forwarded {
  return { status, headers: { 'content-type': wire.contentType }, body: wire.encode({ __type: type, message }) };
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  if (response.headersSent || response.destroyed) return;
  const { status: code, headers, body } = errorAnswer(JSON_WIRE, status, type, message);
  response.writeHead(code, { ...headers, 'content-length': String(body.length) });
  response.end(body);
}

