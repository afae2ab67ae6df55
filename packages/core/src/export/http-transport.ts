import type http from 'node:http';
import type { ExportConfig, OtlpProtocol } from '../types.js';
import { classifyOutcome, type ExportOutcome } from './export-outcome.js';
import type { ExportTransport } from './export-transport.js';

/** What one POST came to. `status` is 0 when no HTTP response arrived (refused, reset, timed out). */
export interface HttpResult {
  status: number;
  body: Buffer;
  /** The `Retry-After` header, raw. */
  retryAfter: string | undefined;
  /** Why no HTTP response arrived. */
  error: string | undefined;
}

/** Enough of a response body for an OTLP partial-success message; the rest is read and discarded. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

// Required when the first transport is built, with the SDK, not when core loads: start-up stays lean.
function gzip(data: Buffer): Promise<Buffer> {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  return new Promise((resolve, reject) => {
    zlib.gzip(data, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * POSTs OTLP payloads with `node:http`/`node:https`. One deadline covers connect, send and the whole
 * response: a collector that accepts the connection and never answers cannot hold a request past it.
 */
export class HttpTransport implements ExportTransport {
  private readonly url: URL;
  private readonly protocol: OtlpProtocol;
  private readonly endpoint: string;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly headers: Record<string, string>;
  private readonly gzip: boolean;

  constructor(config: ExportConfig) {
    this.url = new URL(config.endpoint);
    this.protocol = config.protocol;
    this.endpoint = config.endpoint;
    const secure = this.url.protocol === 'https:';
    const http = require('node:http') as typeof import('node:http');
    const https = require('node:https') as typeof import('node:https');
    const tls = require('node:tls') as typeof import('node:tls');
    this.request = secure ? https.request : http.request;
    this.agent = secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 1,
          ...(config.certificate ? { ca: [...tls.rootCertificates, config.certificate] } : {}),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.gzip = config.compression === 'gzip';
    this.headers = {
      ...config.headers,
      'content-type': config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      ...(this.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  /** The body parts as they go on the wire (gzipped on the libuv thread pool when configured). */
  async encodeBody(parts: Uint8Array[]): Promise<Uint8Array[]> {
    return this.gzip ? [await gzip(Buffer.concat(parts))] : parts;
  }

  /** Sends one request and classifies the answer; never rejects. */
  async send(parts: readonly Uint8Array[], timeoutMs: number, cancel: AbortSignal): Promise<ExportOutcome> {
    return classifyOutcome(await this.post(parts, timeoutMs, cancel), this.protocol, this.endpoint);
  }

  /** POSTs one request whose body is `parts` back to back; never rejects. `cancel` aborts it early. */
  post(parts: readonly Uint8Array[], timeoutMs: number, cancel: AbortSignal): Promise<HttpResult> {
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
        const req = this.request(
          this.url,
          {
            method: 'POST',
            agent: this.agent,
            headers: { ...this.headers, 'content-length': String(length) },
            signal: controller.signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
              size += chunk.length;
            });
            res.on('end', () => {
              const retryAfter = res.headers['retry-after'];
              finish({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks),
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
