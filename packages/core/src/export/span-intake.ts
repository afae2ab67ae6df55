import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DroppedSpans } from '../types.js';
import { compactEntries, type EncodedEntry } from './encoded-entry.js';
import type { ExportAccounting } from './export-accounting.js';
import type { ExportLimits } from './export-limits.js';
import type { SpanEncoder } from './span-encoder.js';
import type { SpanQueue } from './span-queue.js';

/** Most spans waiting to be encoded; reaching it encodes at once, so unencoded memory stays a constant. */
const MAX_UNENCODED = 256;

/** The batch in flight, which counts against the caps like queued spans. */
export interface InFlight {
  readonly spans: number;
  readonly bytes: number;
}

/** What became of an offered span. */
export type Intake = 'waiting' | 'pass-full' | 'dropped';

/**
 * Admission into the bounded queue: ended spans wait (briefly) to be encoded together, then each pass is
 * queued under the span and byte caps, dropping the newest or evicting the oldest as configured.
 */
export class SpanIntake {
  /** The last pass hit the byte cap and nothing has left the queue since: drop at the door. */
  private bytesFull = false;
  private unencoded: ReadableSpan[] = [];
  private readonly passLimit: number;

  constructor(
    private readonly limits: ExportLimits,
    private readonly encoder: SpanEncoder,
    private readonly queue: SpanQueue,
    private readonly counts: ExportAccounting,
    private readonly inFlight: () => InFlight | undefined,
  ) {
    this.passLimit = Math.max(1, Math.min(MAX_UNENCODED, limits.maxExportBatchSize, limits.maxQueueSize));
  }

  /** Spans waiting to be encoded, queued, or in flight: what the span cap counts. */
  queuedSpans(): number {
    return this.unencoded.length + this.queue.spans + (this.inFlight()?.spans ?? 0);
  }

  /** O(1): keeps the span for the next pass, or drops it (counted) at a cap. */
  offer(span: ReadableSpan): Intake {
    // At the byte cap under the 'newest' policy, drop before spending any encoding on the span.
    const bytesFull = this.bytesFull && this.limits.dropPolicy === 'newest';
    if (bytesFull || (this.queuedSpans() >= this.limits.maxQueueSize && !this.evictOldest())) {
      this.counts.drop('queueFull', 1);
      return 'dropped';
    }
    this.unencoded.push(span);
    return this.unencoded.length >= this.passLimit ? 'pass-full' : 'waiting';
  }

  /** Encodes the spans waiting for it and queues them under the byte cap. */
  encode(): void {
    const spans = this.unencoded;
    if (spans.length === 0) return;
    this.unencoded = [];
    let entries: EncodedEntry[];
    try {
      entries = this.encoder.encode(spans);
    } catch (err) {
      this.counts.fail(err, 'encoding spans failed');
      this.counts.drop('exportFailed', spans.length);
      return;
    }
    let encoded = 0;
    for (const entry of entries) {
      encoded += entry.spans;
      this.admit(entry);
    }
    // The serializer encodes every span it is given; this keeps the accounting exact should it ever not.
    if (encoded < spans.length) this.counts.drop('exportFailed', spans.length - encoded);
  }

  /** Spans leave the queue, dropped for `reason` or else exported: room for more, progress for flushes. */
  release(spans: number, reason?: keyof DroppedSpans): void {
    this.counts.settled += spans;
    this.bytesFull = false;
    if (reason) this.counts.drop(reason, spans);
    else this.counts.exportedSpans += spans;
  }

  /** The resource of the spans waiting to be encoded (one SDK, one resource). */
  waitingResource(): ReadableSpan['resource'] | undefined {
    return this.unencoded[0]?.resource;
  }

  /** Forgets the spans waiting to be encoded (the pipeline is ending); returns how many there were. */
  discardUnencoded(): number {
    const count = this.unencoded.length;
    this.unencoded = [];
    return count;
  }

  /** Queues a pass under the byte cap; when it does not fit whole, as many of its spans as fit. */
  private admit(entry: EncodedEntry): void {
    if (this.fitsBytes(entry.cost)) {
      this.queue.push(entry);
      return;
    }
    let cost = 0;
    const admitted: EncodedEntry[] = [];
    for (const part of entry.spans > 1 ? this.encoder.split(entry) : [entry]) {
      if (this.fitsBytes(cost + part.cost)) {
        admitted.push(part);
        cost += part.cost;
      } else this.counts.drop('queueFull', part.spans);
    }
    // The parts share the pass's buffer: copy the ones kept so that the rest can be freed.
    if (admitted.length > 0) for (const part of compactEntries(admitted)) this.queue.push(part);
    // Drop at the door until spans leave; with nothing queued nothing would leave, so then keep trying.
    this.bytesFull = this.queue.spans > 0 || this.inFlight() !== undefined;
  }

  /** Whether `cost` more bytes fit the byte cap, after evicting the oldest entries if the policy says so. */
  private fitsBytes(cost: number): boolean {
    const limit = this.limits.maxQueueBytes - (this.inFlight()?.bytes ?? 0);
    while (this.queue.bytes + cost > limit) {
      if (!this.evictOldest()) return false;
    }
    return true;
  }

  /** Under the 'oldest' policy, drops the oldest queued entry (never the batch in flight). */
  private evictOldest(): boolean {
    if (this.limits.dropPolicy !== 'oldest') return false;
    const entry = this.queue.shift();
    if (!entry) return false;
    this.release(entry.spans, 'queueFull');
    return true;
  }
}
