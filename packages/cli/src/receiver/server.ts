import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BadEncodingError, BodyTooLargeError, gunzipBody, readBody } from './body.js';
import { CountWaiters } from './count-waiters.js';
import {
  type DecodedRequest,
  decodeRequest,
  encodeResponse,
  InvalidOtlpBodyError,
  type OtlpFormat,
} from './decode.js';
import { type Fault, FaultPlan } from './fault.js';
import type { ReceivedRequest, ReceivedSpan } from './received-span.js';
import type { Receiver, ReceiverOptions } from './receiver.js';

const TRACES_PATH = '/v1/traces';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_WAIT_MS = 10_000;

/** In-package hooks: `spanwise dev` consumes requests as they come instead of keeping them. */
export interface ReceiverHooks {
  /** Called with every accepted (answered 200) request. */
  onExport?: (request: DecodedRequest) => void;
  /** Keep `spans` and `requests`; false keeps memory flat in a long-running receiver. Default true. */
  retain?: boolean;
}

/**
 * Starts an OTLP/HTTP trace receiver that decodes http/protobuf and http/json bodies (optionally
 * gzip-compressed) with the official opentelemetry-proto schema and answers as its fault says.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return createReceiver(options, {});
}

/** {@link startReceiver} with in-package hooks. */
export async function createReceiver(options: ReceiverOptions, hooks: ReceiverHooks): Promise<Receiver> {
  const receiver = new OtlpReceiver(options, hooks);
  await receiver.listen();
  return receiver;
}

class OtlpReceiver implements Receiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: ReceivedRequest[] = [];
  private readonly host: string;
  private currentPort: number;
  private readonly maxBodyBytes: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly faults = new FaultPlan();
  private readonly spanWaiters = new CountWaiters('spans', () => this.spans.length);
  private readonly requestWaiters = new CountWaiters('requests', () => this.requests.length);
  private closed = false;

  constructor(
    options: ReceiverOptions,
    private readonly hooks: ReceiverHooks,
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.currentPort = options.port ?? 0;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.answerText(res, 500, String(error)));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.currentPort;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.currentPort}`;
  }

  get endpoint(): string {
    return `${this.url}${TRACES_PATH}`;
  }

  async waitForSpans(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedSpan[]> {
    await this.spanWaiters.wait(count, timeoutMs);
    return [...this.spans];
  }

  async waitForRequests(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedRequest[]> {
    await this.requestWaiters.wait(count, timeoutMs);
    return [...this.requests];
  }

  setFault(fault: Fault): void {
    this.faults.set(fault);
  }

  listen(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the receiver is closed; start a new one'));
    if (this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.currentPort, this.host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        if (address !== null && typeof address === 'object') this.currentPort = address.port;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop();
    this.spanWaiters.rejectAll('the receiver was closed');
    this.requestWaiters.rejectAll('the receiver was closed');
  }

  clear(): void {
    this.spans.length = 0;
    this.requests.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '').split('?')[0] !== TRACES_PATH) {
      this.answerText(res, 404, `not found; OTLP traces go to POST ${TRACES_PATH}`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      this.answerText(res, 405, `method ${req.method} not allowed; use POST`);
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    const record: ReceivedRequest = {
      contentType,
      contentEncoding,
      headers: { ...req.headers },
      bodyBytes: 0,
      spanCount: 0,
      status: 0,
    };
    try {
      await this.process(req, res, record);
    } finally {
      this.record(record);
    }
  }

  /** Answers (or, as the fault says, does not) and fills in `record` before it is published. */
  private async process(req: IncomingMessage, res: ServerResponse, record: ReceivedRequest): Promise<void> {
    const { contentType, contentEncoding } = record;
    const format = formatOf(contentType);
    if (format === undefined || !['', 'identity', 'gzip'].includes(contentEncoding)) {
      req.resume();
      this.answerText(res, 415, 'send application/x-protobuf or application/json, plain or gzip', record);
      return;
    }
    let decoded: DecodedRequest;
    try {
      let body = await readBody(req, this.maxBodyBytes);
      record.bodyBytes = body.length;
      if (contentEncoding === 'gzip') body = await gunzipBody(body, this.maxBodyBytes);
      decoded = decodeRequest(body, format);
    } catch (error) {
      this.answerBodyError(res, error, record);
      return;
    }
    record.spanCount = decoded.spans.length;
    this.applyFault(this.faults.next(), req, res, format, decoded, record);
  }

  private applyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    format: OtlpFormat,
    decoded: DecodedRequest,
    record: ReceivedRequest,
  ): void {
    switch (fault.type) {
      case 'ok':
        this.accept(res, format, decoded, record);
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          // A client that gave up never learnt of the success, so its spans do not count as received.
          if (!res.destroyed) this.accept(res, format, decoded, record);
        }, fault.ms);
        this.timers.add(timer);
        return;
      }
      case 'status':
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
        this.answerText(res, fault.status, `fault injected: status ${fault.status}`, record);
        return;
      case 'hang':
        return;
      case 'destroy':
        req.socket.resetAndDestroy();
        return;
      case 'partial':
        this.accept(res, format, decoded, record, encodeResponse(format, fault));
        return;
      case 'body':
        this.accept(res, format, decoded, record, fault.body, fault.contentType);
        return;
    }
  }

  private accept(
    res: ServerResponse,
    format: OtlpFormat,
    decoded: DecodedRequest,
    record: ReceivedRequest,
    body: Uint8Array | string = encodeResponse(format),
    contentType = format === 'json' ? 'application/json' : 'application/x-protobuf',
  ): void {
    record.status = 200;
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
    if (this.hooks.retain !== false) {
      for (const span of decoded.spans) this.spans.push(span);
      this.spanWaiters.notify();
    }
    this.hooks.onExport?.(decoded);
  }

  private answerBodyError(res: ServerResponse, error: unknown, record: ReceivedRequest): void {
    if (error instanceof BodyTooLargeError) {
      // The rest of the body stays unread: closing the connection is the only way to drop it.
      res.setHeader('Connection', 'close');
      this.answerText(res, 413, error.message, record);
    } else if (error instanceof InvalidOtlpBodyError || error instanceof BadEncodingError) {
      this.answerText(res, 400, error.message, record);
    } else if (!res.destroyed) {
      // The client went away mid-body: nobody is left to answer.
      res.destroy();
    }
  }

  private answerText(res: ServerResponse, status: number, message: string, record?: ReceivedRequest): void {
    if (record !== undefined) record.status = status;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
  }

  private record(request: ReceivedRequest): void {
    if (this.hooks.retain === false) return;
    this.requests.push(request);
    this.requestWaiters.notify();
  }
}

function formatOf(contentType: string): OtlpFormat | undefined {
  const mime = contentType.split(';')[0]?.trim().toLowerCase();
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  return undefined;
}
