import type { EncodedEntry } from './encoded-entry.js';
import { errorMessage } from './export-accounting.js';
import type { ExportOutcome } from './export-outcome.js';
import type { ExportTransport } from './export-transport.js';
import type { RequestBody } from './otlp-request.js';

/**
 * The request sent while the circuit is open: an empty export request, so an outage of any length costs the
 * same small request per probe interval however full the queue is. Built by the pipeline's own request
 * builder (no serializer module to load mid-outage) and encoded like any request (gzipped when configured).
 */
export class CollectorProbe {
  private body: RequestBody | undefined;

  constructor(
    private readonly transport: ExportTransport,
    private readonly build: (entries: readonly EncodedEntry[]) => RequestBody,
  ) {}

  /** Sends one probe; resolves with what the collector's answer (or its absence) means; never rejects. */
  async send(timeoutMs: number, signal: AbortSignal): Promise<ExportOutcome> {
    try {
      this.body ??= await this.transport.encodeBody(this.build([]));
    } catch (err) {
      return { kind: 'retry', error: errorMessage(err), retryAfterMs: undefined };
    }
    return this.transport.send(this.body, timeoutMs, signal);
  }
}
