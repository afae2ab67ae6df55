import type { ExportOutcome } from './export-outcome.js';
import type { RequestBody } from './otlp-request.js';

/**
 * How an export request reaches the collector: OTLP over HTTP ({@link HttpTransport}) or gRPC
 * ({@link GrpcTransport}). The pipeline keeps the queue, the retries and the circuit breaker; a transport
 * sends one request within one deadline and says what the answer means.
 */
export interface ExportTransport {
  /** The body as it is sent and re-sent on retries (gzipped here when the transport compresses itself). */
  encodeBody(parts: RequestBody): Promise<RequestBody>;
  /** Sends one request whose body is `parts` back to back; never rejects. `cancel` aborts it early. */
  send(parts: RequestBody, timeoutMs: number, cancel: AbortSignal): Promise<ExportOutcome>;
  /** Releases connections. */
  destroy(): void;
}
