import { context, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace';
import type { DroppedSpans, ExportConfig, ExportStats } from '../types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { DropReporter } from './drop-reporter.js';
import type { EncodedEntry } from './encoded-entry.js';
import { type HttpResult, HttpTransport } from './http-transport.js';
import { buildJsonRequest, buildProtobufRequest } from './otlp-request.js';
import { backoffDelay, isRetryable, parseRetryAfter } from './retry-policy.js';
import { JsonSpanEncoder, ProtobufSpanEncoder, type SpanEncoder } from './span-encoder.js';
import { SpanQueue } from './span-queue.js';

/** Defaults of the optional {@link ExportConfig} fields. */
export const EXPORT_DEFAULTS = {
  maxRequestBytes: 4 * 1024 * 1024,
  maxRetries: 5,
  initialBackoffMs: 1000,
  maxBackoffMs: 5000,
  circuitThreshold: 5,
  probeIntervalMs: 5000,
} as const;

/** Deadline of `shutdown()` when the caller gives none (the `SPANWISE_SHUTDOWN_TIMEOUT_MS` default). */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 5000;

/** Ended spans wait this long to be encoded together, off the request path. */
const ENCODE_DELAY_MS = 10;
/** Most spans waiting to be encoded; reaching it encodes at once, so unencoded memory stays a constant. */
const MAX_UNENCODED = 256;

/** A batch taken from the queue: sending, or waiting for its retry. */
interface Batch {
  entries: EncodedEntry[];
  spans: number;
  bytes: number;
  /** The request body, built once and reused by retries. */
  body: Uint8Array | undefined;
  attempt: number;
}

type Limits = ExportConfig & { -readonly [K in keyof typeof EXPORT_DEFAULTS]: number };

interface FlushWaiter {
  /** Resolved when `settled` reaches this. */
  target: number;
  resolve: () => void;
}

/** Each exporter callback runs here: outside any app trace, and with tracing suppressed. */
const EXPORT_CONTEXT = suppressTracing(ROOT_CONTEXT);

/**
 * Spanwise's span processor and OTLP/HTTP exporter in one: ended spans are encoded in passes off the request
 * path and held as bytes in a queue bounded by spans and bytes; one request is in flight at a time.
 * Every span is accounted for: ended and sampled = exported + dropped (each reason) + queued.
 */
export class OtlpExportPipeline {
  private readonly limits: Limits;
  private readonly transport: HttpTransport;
  private readonly encoder: SpanEncoder;
  private readonly build: (entries: readonly EncodedEntry[]) => Uint8Array;
  private readonly probeBody: Uint8Array;
  private readonly queue = new SpanQueue();
  private readonly breaker: CircuitBreaker;
  private readonly reporter: DropReporter;
  private readonly dropped: DroppedSpans = { queueFull: 0, exportFailed: 0, shutdown: 0 };
  private readonly cancel = new AbortController();
  private readonly unencodedLimit: number;
  private unencoded: ReadableSpan[] = [];
  private inflight: Batch | undefined;
  private sending = false;
  private probing = false;
  private exportedSpans = 0;
  private failedExports = 0;
  private retries = 0;
  private lastError: string | undefined;
  /** Learned from 413 responses; never above `maxRequestBytes`. */
  private requestBytes: number;
  /** Spans that left the queue (exported or dropped after being queued), for `forceFlush`. */
  private settled = 0;
  private flushWaiters: FlushWaiter[] = [];
  private encodeTimer: NodeJS.Timeout | undefined;
  private encodeArmed = false;
  private exportTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  /** The scheduled delay passed: export even a partial batch. */
  private delayElapsed = false;
  /** Retries ran out: wait for the scheduled delay before sending again, however full the queue is. */
  private hold = false;
  /** The last encoding pass hit the byte cap and nothing has left the queue since. */
  private bytesFull = false;
  private closed = false;
  private finished = false;
  private shutdownPromise: Promise<void> | undefined;
  private resolveShutdown: (() => void) | undefined;

  constructor(config: ExportConfig) {
    this.limits = { ...EXPORT_DEFAULTS, ...definedOnly(config) };
    this.transport = new HttpTransport(config);
    const json = config.protocol === 'http/json';
    this.encoder = json ? new JsonSpanEncoder() : new ProtobufSpanEncoder();
    this.build = json ? buildJsonRequest : buildProtobufRequest;
    this.probeBody = json
      ? JsonTraceSerializer.serializeRequest([])!
      : ProtobufTraceSerializer.serializeRequest([])!;
    this.requestBytes = this.limits.maxRequestBytes;
    this.breaker = new CircuitBreaker(this.limits.circuitThreshold);
    this.reporter = new DropReporter(() => this.lastError);
    this.unencodedLimit = Math.max(
      1,
      Math.min(MAX_UNENCODED, this.limits.maxExportBatchSize, this.limits.maxQueueSize),
    );
  }

  onStart(_span: Span): void {}

  /** O(1) and allocation-free in the common case; never throws. */
  onEnd(span: ReadableSpan): void {
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (this.closed) {
        this.drop('shutdown', 1);
        return;
      }
      // At the byte cap under the 'newest' policy, drop before spending any encoding on the span.
      if (this.bytesFull && this.limits.dropPolicy === 'newest') {
        this.drop('queueFull', 1);
        return;
      }
      if (this.queuedSpans() >= this.limits.maxQueueSize && !this.evictOldest()) {
        this.drop('queueFull', 1);
        return;
      }
      this.unencoded.push(span);
      if (this.unencoded.length >= this.unencodedLimit) this.encode();
      else if (!this.encodeArmed) this.armEncode();
    } catch (err) {
      this.fail(err);
    }
  }

  stats(): ExportStats {
    const inflight = this.inflight;
    return {
      exportedSpans: this.exportedSpans,
      queuedSpans: this.queuedSpans(),
      queuedBytes: this.queue.bytes + (inflight ? inflight.bytes : 0),
      failedExports: this.failedExports,
      retries: this.retries,
      droppedSpans: { ...this.dropped },
      circuit: this.breaker.state,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /**
   * Resolves once every span queued at the call is exported or dropped, or as soon as the collector is
   * found unreachable (circuit open or retries exhausted), leaving those spans queued.
   */
  forceFlush(): Promise<void> {
    try {
      this.encode();
    } catch (err) {
      this.fail(err);
    }
    const target = this.settled + this.queuedSpans();
    if (this.finished || this.breaker.state !== 'closed' || this.settled >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ target, resolve });
      this.hold = false;
      this.guard(() => this.pump());
    });
  }

  /**
   * Flushes within `deadlineMs`, skipping backoff sleeps and the circuit breaker, then counts whatever is
   * left as dropped (shutdown). Idempotent: later calls return the first call's promise.
   */
  shutdown(deadlineMs = DEFAULT_SHUTDOWN_DEADLINE_MS): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.closed = true;
    this.shutdownPromise = new Promise<void>((resolve) => {
      this.resolveShutdown = resolve;
    });
    const deadline = setTimeout(() => this.cancel.abort(), Math.max(0, deadlineMs));
    deadline.unref();
    void this.shutdownPromise.then(() => clearTimeout(deadline));
    this.cancel.signal.addEventListener('abort', () => this.finish(), { once: true });
    this.clearTimers();
    try {
      this.encode();
      if (this.inflight && !this.sending) this.send(this.inflight);
      else this.pump();
    } catch (err) {
      this.fail(err);
      this.finish();
    }
    return this.shutdownPromise;
  }

  private queuedSpans(): number {
    return this.unencoded.length + this.queue.spans + (this.inflight ? this.inflight.spans : 0);
  }

  private armEncode(): void {
    this.encodeArmed = true;
    if (this.encodeTimer) this.encodeTimer.refresh();
    else {
      this.encodeTimer = context.with(EXPORT_CONTEXT, () =>
        setTimeout(() => this.guard(() => this.encode()), ENCODE_DELAY_MS),
      );
      this.encodeTimer.unref();
    }
  }

  /** Encodes the spans waiting for it and admits them to the queue under the byte cap. */
  private encode(): void {
    this.encodeArmed = false;
    const spans = this.unencoded;
    if (spans.length === 0) return;
    this.unencoded = [];
    let entries: EncodedEntry[];
    try {
      entries = this.encoder.encode(spans);
    } catch (err) {
      this.fail(err, 'encoding spans failed');
      this.drop('exportFailed', spans.length);
      return;
    }
    let encoded = 0;
    let admittedCost = 0;
    const admitted: EncodedEntry[] = [];
    for (const entry of entries) {
      encoded += entry.spans;
      if (this.fitsBytes(admittedCost + entry.cost)) {
        admitted.push(entry);
        admittedCost += entry.cost;
      } else {
        this.bytesFull = true;
        this.drop('queueFull', entry.spans);
      }
    }
    // Entries share their pass's buffer: when only some made it, copy them out so the rest can be freed.
    for (const entry of admitted.length < entries.length ? compact(admitted) : admitted)
      this.queue.push(entry);
    // The serializer encodes every span it is given; this keeps the accounting exact should it ever not.
    if (encoded < spans.length) this.drop('exportFailed', spans.length - encoded);
    this.pump();
  }

  /** Spans left the queue (exported or dropped): room for more, and progress for `forceFlush`. */
  private released(spans: number): void {
    this.settled += spans;
    this.bytesFull = false;
  }

  /** Whether `cost` more bytes fit the byte cap, after evicting the oldest entries if the policy says so. */
  private fitsBytes(cost: number): boolean {
    const limit = this.limits.maxQueueBytes - (this.inflight ? this.inflight.bytes : 0);
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
    this.released(entry.spans);
    this.drop('queueFull', entry.spans);
    return true;
  }

  /** Starts the next export when one is due: a full batch, a flush, shutdown, or the scheduled delay. */
  private pump(): void {
    if (this.finished || this.inflight || this.probing) return;
    if (this.queue.spans === 0) {
      if (this.closed) this.finish();
      return;
    }
    if (this.breaker.state !== 'closed' && !this.closed) return;
    const due =
      this.closed ||
      this.delayElapsed ||
      (!this.hold &&
        (this.flushWaiters.length > 0 ||
          this.queue.spans >= this.limits.maxExportBatchSize ||
          this.queue.bytes >= this.requestBytes));
    if (due) {
      if (this.exportTimer) clearTimeout(this.exportTimer);
      this.exportTimer = undefined;
      this.delayElapsed = false;
      this.hold = false;
      const entries = this.queue.take(this.limits.maxExportBatchSize, this.requestBytes);
      let spans = 0;
      let bytes = 0;
      for (const entry of entries) {
        spans += entry.spans;
        bytes += entry.cost;
      }
      this.inflight = { entries, spans, bytes, body: undefined, attempt: 0 };
      this.send(this.inflight);
    } else if (!this.exportTimer) {
      this.exportTimer = this.timer(this.limits.scheduledDelayMs, () => {
        this.exportTimer = undefined;
        this.delayElapsed = true;
        this.pump();
      });
    }
  }

  private send(batch: Batch): void {
    this.sending = true;
    if (batch.attempt > 0) this.retries++;
    void context.with(EXPORT_CONTEXT, () => this.deliver(batch));
  }

  private async deliver(batch: Batch): Promise<void> {
    let result: HttpResult;
    try {
      batch.body ??= await this.transport.encodeBody(this.build(batch.entries));
      result = await this.transport.send(batch.body, this.limits.timeoutMs, this.cancel.signal);
    } catch (err) {
      result = { status: 0, body: Buffer.alloc(0), retryAfter: undefined, error: errorMessage(err) };
    }
    this.sending = false;
    this.guard(() => this.settle(batch, result));
  }

  private settle(batch: Batch, result: HttpResult): void {
    if (this.finished || this.inflight !== batch) return;
    const status = result.status;
    if (status >= 200 && status < 300) {
      this.inflight = undefined;
      const rejected = Math.min(batch.spans, this.rejectedSpans(result.body));
      this.exportedSpans += batch.spans - rejected;
      this.released(batch.spans);
      if (rejected > 0) {
        this.lastError = `the collector rejected ${rejected} of ${batch.spans} spans (partial success)`;
        this.drop('exportFailed', rejected);
      }
      this.breaker.succeeded();
      this.resolveFlushes();
      this.pump();
      return;
    }
    this.failedExports++;
    this.lastError = result.error ?? `HTTP ${status} from ${this.limits.endpoint}`;
    if (status === 413) {
      this.split(batch);
      return;
    }
    if (!isRetryable(status)) {
      this.inflight = undefined;
      this.released(batch.spans);
      this.drop('exportFailed', batch.spans);
      this.resolveFlushes();
      this.pump();
      return;
    }
    const opened = this.breaker.failed();
    if (batch.attempt < this.limits.maxRetries && (this.closed || !opened)) {
      batch.attempt++;
      if (this.closed) {
        this.send(batch);
        return;
      }
      const retryAfter = parseRetryAfter(result.retryAfter, Date.now());
      const delay =
        retryAfter ?? backoffDelay(batch.attempt, this.limits.initialBackoffMs, this.limits.maxBackoffMs);
      this.retryTimer = this.timer(delay, () => {
        this.retryTimer = undefined;
        this.send(batch);
      });
      return;
    }
    // Retries ran out or the circuit opened: the batch goes back in front. It still fits the caps, because
    // spans in flight count against them.
    this.inflight = undefined;
    this.queue.unshiftAll(batch.entries);
    if (this.closed) {
      this.finish();
      return;
    }
    this.releaseFlushes();
    if (opened) {
      const retryAfter = parseRetryAfter(result.retryAfter, Date.now()) ?? 0;
      this.scheduleProbe(Math.max(this.limits.probeIntervalMs, retryAfter));
    } else {
      this.hold = true;
      this.pump();
    }
  }

  /** A 413: send the batch again in halves, and remember the smaller request size. */
  private split(batch: Batch): void {
    this.inflight = undefined;
    if (batch.entries.length > 1) {
      this.requestBytes = Math.max(1, Math.floor(batch.bytes / 2));
      this.queue.unshiftAll(batch.entries);
    } else {
      this.released(batch.spans);
      this.drop('exportFailed', batch.spans);
    }
    this.resolveFlushes();
    this.pump();
  }

  private rejectedSpans(body: Buffer): number {
    if (body.length === 0) return 0;
    try {
      const serializer = this.limits.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
      const rejected = Number(serializer.deserializeResponse(body).partialSuccess?.rejectedSpans ?? 0);
      return Number.isFinite(rejected) && rejected > 0 ? rejected : 0;
    } catch {
      return 0;
    }
  }

  private scheduleProbe(delay: number): void {
    this.probeTimer = this.timer(delay, () => {
      this.probeTimer = undefined;
      this.probe();
    });
  }

  /** One empty export request: O(1) work however long the outage and however full the queue. */
  private probe(): void {
    if (this.finished) return;
    this.breaker.probing();
    this.probing = true;
    void context.with(EXPORT_CONTEXT, async () => {
      const result = await this.transport.send(this.probeBody, this.limits.timeoutMs, this.cancel.signal);
      this.probing = false;
      this.guard(() => {
        if (this.finished) return;
        if (result.status >= 200 && result.status < 300) {
          this.breaker.succeeded();
          this.delayElapsed = true;
        } else {
          this.lastError = result.error ?? `HTTP ${result.status} from ${this.limits.endpoint}`;
          this.breaker.failed();
          if (!this.closed) this.scheduleProbe(this.limits.probeIntervalMs);
        }
        this.pump();
      });
    });
  }

  /** Ends the pipeline: whatever is still queued or in flight is dropped (shutdown). */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    this.clearTimers();
    const left = this.unencoded.length + this.queue.clear() + (this.inflight ? this.inflight.spans : 0);
    this.unencoded = [];
    this.inflight = undefined;
    if (left > 0) {
      this.released(left);
      this.drop('shutdown', left);
    }
    this.cancel.abort();
    this.transport.destroy();
    this.releaseFlushes();
    this.reporter.flush();
    this.resolveShutdown?.();
  }

  private drop(reason: keyof DroppedSpans, count: number): void {
    this.dropped[reason] += count;
    this.reporter.record(reason, count);
  }

  private resolveFlushes(): void {
    if (this.flushWaiters.length === 0) return;
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.flushWaiters) {
      if (this.settled >= waiter.target) waiter.resolve();
      else waiting.push(waiter);
    }
    this.flushWaiters = waiting;
  }

  private releaseFlushes(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private timer(ms: number, callback: () => void): NodeJS.Timeout {
    const handle = context.with(EXPORT_CONTEXT, () => setTimeout(() => this.guard(callback), ms));
    handle.unref();
    return handle;
  }

  private clearTimers(): void {
    for (const handle of [this.encodeTimer, this.exportTimer, this.retryTimer, this.probeTimer]) {
      if (handle) clearTimeout(handle);
    }
    this.encodeArmed = false;
    this.encodeTimer = undefined;
    this.exportTimer = undefined;
    this.retryTimer = undefined;
    this.probeTimer = undefined;
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown, what = 'internal error'): void {
    this.lastError = `${what}: ${errorMessage(err)}`;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The config without keys set to `undefined`, so that the defaults apply to them. */
function definedOnly(config: ExportConfig): ExportConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (value !== undefined) out[key] = value;
  return out as unknown as ExportConfig;
}

/** The entries re-pointed at one new buffer holding only their bytes. */
function compact(entries: readonly EncodedEntry[]): EncodedEntry[] {
  let length = 0;
  for (const entry of entries) length += entry.end - entry.start;
  const chunk = Buffer.allocUnsafeSlow(length);
  let pos = 0;
  return entries.map((entry) => {
    const start = pos;
    pos += entry.chunk.copy(chunk, pos, entry.start, entry.end);
    return { ...entry, chunk, start, end: pos, next: undefined };
  });
}
