import type { EncodedEntry } from './encoded-entry.js';
import { errorMessage } from './export-accounting.js';
import type { HttpResult, HttpTransport } from './http-transport.js';
import type { RequestBody } from './otlp-request.js';

/**
 * The request sent while the circuit is open: an empty export request, so an outage of any length costs the
 * same small request per probe interval however full the queue is. Built by the pipeline's own request
 * builder (no serializer module to load mid-outage) and encoded like any request (gzipped when configured).
 */
export class CollectorProbe {
  private body: RequestBody | undefined;

  constructor(
    private readonly transport: HttpTransport,
    private readonly build: (entries: readonly EncodedEntry[]) => RequestBody,
  ) {}

  /** Sends one probe; resolves with the collector's answer (status 0 when there was none); never rejects. */
  async send(timeoutMs: number, signal: AbortSignal): Promise<HttpResult> {
    try {
      this.body ??= await this.transport.encodeBody(this.build([]));
    } catch (err) {
      return { status: 0, body: Buffer.alloc(0), retryAfter: undefined, error: errorMessage(err) };
    }
    return this.transport.send(this.body, timeoutMs, signal);
  }
}
