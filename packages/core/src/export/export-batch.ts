import type { EncodedEntry } from './encoded-entry.js';
import type { ExportLimits } from './export-limits.js';
import type { RequestBody } from './otlp-request.js';
import type { SpanQueue } from './span-queue.js';

/** A batch taken from the queue: sending, or waiting for its retry. */
export interface Batch {
  entries: EncodedEntry[];
  spans: number;
  /** Cost against the byte cap. */
  bytes: number;
  /** The request body, built once and reused by retries. */
  body: RequestBody | undefined;
  attempt: number;
  /** When the batch was first sent (`Date.now()`): retries stop `exportTimeoutMs` after it. */
  startedAt: number;
}

/** Takes the next batch from the front of the queue: at most `maxSpans` spans and `maxBytes` of cost. */
export function takeBatch(queue: SpanQueue, maxSpans: number, maxBytes: number): Batch {
  const entries = queue.take(maxSpans, maxBytes);
  let spans = 0;
  let bytes = 0;
  for (const entry of entries) {
    spans += entry.spans;
    bytes += entry.cost;
  }
  return { entries, spans, bytes, body: undefined, attempt: 0, startedAt: Date.now() };
}

/**
 * Whether a batch whose request failed is sent again after `delayMs`: while it has attempts left, the retry
 * would start within `exportTimeoutMs` of its first send, and the failure did not open the circuit. A
 * pipeline shutting down (`closingDeadlineAt` set, `Date.now()` time) retries regardless of attempts, time
 * and circuit as long as the retry starts before that deadline.
 */
export function mayRetry(
  batch: Batch,
  delayMs: number,
  limits: ExportLimits,
  closingDeadlineAt: number | undefined,
  circuitOpened: boolean,
): boolean {
  if (closingDeadlineAt !== undefined) return Date.now() + delayMs < closingDeadlineAt;
  if (batch.attempt >= limits.maxRetries) return false;
  return !circuitOpened && Date.now() + delayMs - batch.startedAt <= limits.exportTimeoutMs;
}
