import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import type zlib from 'node:zlib';
import type { ExportConfig, OtlpProtocol } from '../types.js';
import { classifyOutcome, type ExportOutcome } from './export-outcome.js';
import type { ExportTransport } from './export-transport.js';
import { MAX_RESPONSE_BYTES } from './otlp-response-reader.js';
import { rehearsalSocket } from './rehearsal-socket.js';

/** What one POST came to. `status` is 0 when no HTTP response arrived (refused, reset, timed out). */
export interface HttpResult {
  status: number;
  body: Buffer;
  /** The `Retry-After` header, raw. */
  retryAfter: string | undefined;
  /** Why no HTTP response arrived. */
  error: string | undefined;
}

const EMPTY = Buffer.alloc(0);
const noop = (): void => {};
/** The rehearsal's deadline: it answers on the next turn, so this only bounds a surprise. */
const REHEARSAL_TIMEOUT_MS = 1000;

/**
 * POSTs OTLP payloads with `node:http`/`node:https`. One deadline covers connect, send and the whole
 * response: a collector that accepts the connection and never answers cannot hold a request past it.
 */
export class HttpTransport implements ExportTransport {
  private readonly url: URL;
  /** The endpoint as request options (host, port, path), taken apart once. */
  private readonly target: http.RequestOptions;
  private readonly protocol: OtlpProtocol;
  private readonly endpoint: string;
  private readonly agent: http.Agent;
  private readonly ClientRequest: typeof http.ClientRequest;
  private readonly headers: Record<string, string>;
  private readonly zlib: typeof zlib | undefined;
  /** What the rehearsal's in-memory collector answer came to (`delivered`): the rehearsal is over. */
  readonly rehearsed: Promise<ExportOutcome>;

  /**
   * Built with the SDK, on the event loop's first turn: every module and one-off set-up an export needs is
   * done here, so none of it first runs while the app serves traffic. Measured on a shared 2-core machine:
   * the first TLS secure context (the root certificate store) took 24-29 ms, a secure context with a custom
   * CA 7-8 ms per new connection, `node:zlib` 2-6 ms and the first `zlib.gzip` call 2.5-7 ms.
   */
  constructor(config: ExportConfig) {
    this.url = new URL(config.endpoint);
    this.target = urlToHttpOptions(this.url);
    this.protocol = config.protocol;
    this.endpoint = config.endpoint;
    const http = require('node:http') as typeof import('node:http');
    // Requests are made with `new ClientRequest` (what `http.request` and `https.request` do inside), not
    // through `http.request`: the HTTP client instrumentation patches that, and its wrapper would run on every
    // export only to find tracing suppressed; the first export paid 4-6 ms for it on the main thread.
    this.ClientRequest = http.ClientRequest;
    if (this.url.protocol === 'https:') {
      const https = require('node:https') as typeof import('node:https');
      const tls = require('node:tls') as typeof import('node:tls');
      // One secure context for every connection: reconnects do not rebuild it (with a custom CA, from 150 PEMs).
      const secureContext = tls.createSecureContext(
        config.certificate ? { ca: [...tls.rootCertificates, config.certificate] } : {},
      );
      this.agent = new https.Agent({ keepAlive: true, maxSockets: 1, secureContext });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    }
    if (config.compression === 'gzip') {
      this.zlib = require('node:zlib') as typeof import('node:zlib');
      // The first call sets up zlib's stream machinery on the main thread; later calls are much cheaper.
      this.zlib.gzip(EMPTY, noop);
    }
    this.headers = {
      ...config.headers,
      'content-type': config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      ...(this.zlib ? { 'content-encoding': 'gzip' } : {}),
    };
    // One export request, answered in memory: Node's HTTP client code and ours run once here, on the event
    // loop's first turn, instead of cold in the first export. Nothing is sent.
    this.rehearsed = this.post(
      [EMPTY],
      REHEARSAL_TIMEOUT_MS,
      new AbortController().signal,
      rehearsalSocket,
    ).then((result) => classifyOutcome(result, this.protocol, this.endpoint));
  }

  /** The body parts as they go on the wire (gzipped on the libuv thread pool when configured). */
  async encodeBody(parts: Uint8Array[]): Promise<Uint8Array[]> {
    const zlib = this.zlib;
    if (zlib === undefined) return parts;
    const data = Buffer.concat(parts);
    return [
      await new Promise<Buffer>((resolve, reject) => {
        zlib.gzip(data, (error, result) => (error ? reject(error) : resolve(result)));
      }),
    ];
  }

  /** Sends one request and classifies the answer; never rejects. */
  async send(parts: readonly Uint8Array[], timeoutMs: number, cancel: AbortSignal): Promise<ExportOutcome> {
    return classifyOutcome(await this.post(parts, timeoutMs, cancel), this.protocol, this.endpoint);
  }

  /**
   * POSTs one request whose body is `parts` back to back; never rejects. `cancel` aborts it early. With
   * `connect`, the request goes over the socket it returns instead of the agent's connection.
   */
  post(
    parts: readonly Uint8Array[],
    timeoutMs: number,
    cancel: AbortSignal,
    connect?: () => Duplex,
  ): Promise<HttpResult> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      const onCancel = (): void => controller.abort(new Error('cancelled at the shutdown deadline'));
      const timer = setTimeout(
        () =>
          controller.abort(
            new Error(`no complete response within ${timeoutMs} ms (OTEL_EXPORTER_OTLP_TIMEOUT)`),
          ),
        timeoutMs,
      );
      timer.unref();
      let length = 0;
      for (const part of parts) length += part.length;
      let settled = false;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        cancel.removeEventListener('abort', onCancel);
        resolve(result);
      };
      const fail = (err: unknown): void => {
        const reason = controller.signal.aborted ? controller.signal.reason : err;
        const message = reason instanceof Error ? reason.message : String(reason);
        finish({ status: 0, body: EMPTY, retryAfter: undefined, error: `${this.url.origin}: ${message}` });
      };
      if (cancel.aborted) {
        onCancel();
        fail(undefined);
        return;
      }
      cancel.addEventListener('abort', onCancel, { once: true });
      try {
        const req = new this.ClientRequest(
          {
            ...this.target,
            method: 'POST',
            // Over a socket of our own no TLS is spoken: say http, or Node refuses an https URL without an agent.
            ...(connect ? { createConnection: connect, protocol: 'http:' } : { agent: this.agent }),
            headers: { ...this.headers, 'content-length': String(length) },
            signal: controller.signal,
          },
          (res) => {
            // A body past the read limit, or compressed, is drained (the socket stays reusable) but not kept.
            const encoding = res.headers['content-encoding'];
            let readable = encoding === undefined || encoding === 'identity';
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_RESPONSE_BYTES) readable = false;
              if (readable) chunks.push(chunk);
            });
            res.on('end', () => {
              const retryAfter = res.headers['retry-after'];
              finish({
                status: res.statusCode ?? 0,
                body: readable ? Buffer.concat(chunks) : EMPTY,
                retryAfter,
                error: undefined,
              });
            });
            res.on('error', fail);
            res.on('close', () => {
              if (!res.complete) fail(new Error('connection closed before the response ended'));
            });
          },
        );
        req.on('error', fail);
        for (const part of parts) req.write(part);
        req.end();
      } catch (err) {
        fail(err);
      }
    });
  }

  /** Closes kept-alive sockets. */
  destroy(): void {
    this.agent.destroy();
  }
}
