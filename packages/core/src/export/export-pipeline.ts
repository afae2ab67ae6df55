import { context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace';
import type { ExportConfig, ExportStats } from '../types.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CollectorProbe } from './collector-probe.js';
import type { EncodedEntry } from './encoded-entry.js';
import { ExportAccounting, errorMessage } from './export-accounting.js';
import { type Batch, mayRetry, takeBatch } from './export-batch.js';
import { DEFAULT_SHUTDOWN_DEADLINE_MS, type ExportLimits, resolveLimits } from './export-limits.js';
import type { ExportOutcome } from './export-outcome.js';
import { EXPORT_CONTEXT, ExportTimers } from './export-timers.js';
import type { ExportTransport } from './export-transport.js';
import type { GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { buildJsonRequest, buildProtobufRequest, type RequestBody } from './otlp-request.js';
import { ResourceGate } from './resource-gate.js';
import { backoffDelay } from './retry-policy.js';
import { JsonSpanEncoder, ProtobufSpanEncoder, type SpanEncoder } from './span-encoder.js';
import { SpanIntake } from './span-intake.js';
import { SpanQueue } from './span-queue.js';

/** Required only when gRPC is chosen, like the `@grpc/grpc-js` it loads: http/protobuf start-up is unchanged. */
function newGrpcTransport(config: ExportConfig): GrpcTransport {
  const { GrpcTransport } = require('./grpc-transport.js') as typeof import('./grpc-transport.js');
  return new GrpcTransport(config);
}

/** Ended spans wait this long to be encoded together, off the request path. */
const ENCODE_DELAY_MS = 10;

/**
 * Spanwise's span processor and OTLP exporter (HTTP or gRPC) in one: ended spans are encoded in passes off the request
 * path and held as bytes in a queue bounded by spans and bytes; one request is in flight at a time.
 * Every span is accounted for: ended and sampled = exported + dropped (each reason) + queued.
 */
export class OtlpExportPipeline {
  private readonly limits: ExportLimits;
  private readonly transport: ExportTransport;
  private readonly encoder: SpanEncoder;
  private readonly build: (entries: readonly EncodedEntry[]) => RequestBody;
  private readonly prober: CollectorProbe;
  private readonly queue = new SpanQueue();
  private readonly breaker: CircuitBreaker;
  private readonly counts = new ExportAccounting();
  private readonly cancel = new AbortController();
  private readonly intake: SpanIntake;
  private inflight: Batch | undefined;
  private sending = false;
  private probing = false;
  /** Learned from 413 responses; never above `maxRequestBytes`. */
  private requestBytes: number;
  private encodeArmed = false;
  private readonly resourceGate = new ResourceGate(() => this.guard(() => this.encode()));
  private readonly timers = new ExportTimers((action) => this.guard(action));
  /** The scheduled delay passed: export even a partial batch. */
  private delayElapsed = false;
  /** Retries ran out: wait for the scheduled delay before sending again, however full the queue is. */
  private hold = false;
  private closed = false;
  /** When the shutdown deadline falls (`Date.now()` time), once closing. */
  private deadlineAt = Number.POSITIVE_INFINITY;
  /** Failed requests since shutdown began or the last delivery: the backoff step of the next retry. */
  private closingFailures = 0;
  /** The queue ran empty while closing, and the one turn given to spans still ending has been given. */
  private lastTurnGiven = false;
  private finished = false;
  private shutdownPromise: Promise<void> | undefined;
  private resolveShutdown: (() => void) | undefined;

  constructor(config: ExportConfig) {
    this.limits = resolveLimits(config);
    this.transport = config.protocol === 'grpc' ? newGrpcTransport(config) : new HttpTransport(config);
    const json = config.protocol === 'http/json';
    this.encoder = json ? new JsonSpanEncoder() : new ProtobufSpanEncoder();
    this.intake = new SpanIntake(this.limits, this.encoder, this.queue, this.counts, () => this.inflight);
    this.build = json ? buildJsonRequest : buildProtobufRequest;
    this.prober = new CollectorProbe(this.transport, this.build);
    this.requestBytes = this.limits.maxRequestBytes;
    this.breaker = new CircuitBreaker(this.limits.circuitThreshold);
  }

  onStart(_span: Span): void {}

  /** O(1) and allocation-free in the common case; never throws. */
  onEnd(span: ReadableSpan): void {
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (this.finished) {
        this.counts.drop('shutdown', 1);
        return;
      }
      const intake = this.intake.offer(span);
      if (intake === 'pass-full') this.encode();
      else if (intake === 'waiting' && !this.encodeArmed) this.armEncode();
    } catch (err) {
      this.counts.fail(err);
    }
  }

  stats(): ExportStats {
    const inflightBytes = this.inflight ? this.inflight.bytes : 0;
    const queued = this.intake.queuedSpans();
    return this.counts.snapshot(queued, this.queue.bytes + inflightBytes, this.breaker.state);
  }

  /**
   * Resolves once every span queued at the call is exported or dropped, or as soon as the collector is
   * found unreachable (circuit open or retries exhausted), leaving those spans queued.
   */
  forceFlush(): Promise<void> {
    this.guard(() => this.encode());
    const target = this.counts.settled + this.intake.queuedSpans();
    if (this.finished || this.breaker.state !== 'closed' || this.counts.settled >= target) {
      return Promise.resolve();
    }
    const flushed = this.counts.waitUntilSettled(target);
    this.hold = false;
    this.guard(() => this.pump());
    return flushed;
  }

  /**
   * The final flush: sends everything queued, and the spans that end meanwhile, ignoring the circuit
   * breaker; a failed request is retried after its backoff or Retry-After if that retry starts before the
   * deadline. At `deadlineMs`, or when no retry fits in it, whatever is left is counted as dropped
   * (shutdown). The deadline timer keeps the process alive until then, and no longer. Idempotent: later
   * calls return the first call's promise.
   */
  shutdown(deadlineMs = DEFAULT_SHUTDOWN_DEADLINE_MS): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.closed = true;
    this.deadlineAt = Date.now() + Math.max(0, deadlineMs);
    this.shutdownPromise = new Promise<void>((resolve) => {
      this.resolveShutdown = resolve;
    });
    const deadline = setTimeout(() => this.cancel.abort(), Math.max(0, deadlineMs));
    void this.shutdownPromise.then(() => clearTimeout(deadline));
    this.cancel.signal.addEventListener('abort', () => this.finish(), { once: true });
    this.clearTimers();
    try {
      this.encode();
      // A batch sleeping before its retry goes now.
      if (this.inflight && !this.sending) this.send(this.inflight);
      else this.pump();
    } catch (err) {
      this.counts.fail(err);
      this.finish();
    }
    return this.shutdownPromise;
  }

  /**
   * The process is exiting now, synchronously (`process.exit()`, a crash): counts whatever is still queued
   * or in flight as dropped (shutdown) and reports it with `advice`. Returns how many spans that was.
   */
  abandon(advice: string): number {
    if (this.finished) return 0;
    const left = this.intake.queuedSpans();
    if (left > 0) this.finish(advice);
    return left;
  }

  /** Runs an encoding pass now, then exports if that made a batch due. */
  private encode(): void {
    this.encodeArmed = false;
    if (this.resourceGate.holds(this.intake.waitingResource())) return;
    this.intake.encode();
    this.pump();
  }

  private armEncode(): void {
    this.encodeArmed = true;
    this.timers.rearm('encode', ENCODE_DELAY_MS, () => this.encode());
  }

  /** Starts the next export when one is due: a full batch, a flush, shutdown, or the scheduled delay. */
  private pump(): void {
    if (this.finished || this.inflight || this.probing) return;
    if (this.queue.spans === 0) {
      // Spans held for their resource are not in the queue yet: shutting down waits for them (to its deadline).
      if (this.closed && !this.resourceGate.holding) this.finishWhenIdle();
      return;
    }
    if (this.breaker.state !== 'closed' && !this.closed) return;
    const full = this.queue.spans >= this.limits.maxExportBatchSize || this.queue.bytes >= this.requestBytes;
    if (this.closed || this.delayElapsed || (!this.hold && (this.counts.flushing || full))) {
      this.timers.clear('export');
      this.delayElapsed = false;
      this.hold = false;
      this.inflight = takeBatch(this.queue, this.limits.maxExportBatchSize, this.requestBytes);
      this.send(this.inflight);
    } else if (!this.timers.pending('export')) {
      this.timers.set('export', this.limits.scheduledDelayMs, () => {
        this.delayElapsed = true;
        this.pump();
      });
    }
  }

  private send(batch: Batch): void {
    this.sending = true;
    if (batch.attempt > 0) this.counts.retries++;
    void context.with(EXPORT_CONTEXT, () => this.deliver(batch));
  }

  private async deliver(batch: Batch): Promise<void> {
    let outcome: ExportOutcome;
    try {
      batch.body ??= await this.transport.encodeBody(this.build(batch.entries));
      outcome = await this.transport.send(batch.body, this.limits.timeoutMs, this.cancel.signal);
    } catch (err) {
      outcome = { kind: 'retry', error: errorMessage(err), retryAfterMs: undefined };
    }
    this.sending = false;
    this.guard(() => this.settle(batch, outcome));
  }

  private settle(batch: Batch, outcome: ExportOutcome): void {
    if (this.finished || this.inflight !== batch) return;
    if (outcome.kind === 'delivered') {
      this.inflight = undefined;
      this.closingFailures = 0;
      const rejected = Math.min(batch.spans, outcome.rejected);
      this.intake.release(batch.spans - rejected);
      if (rejected > 0) {
        const why = outcome.message === undefined ? '' : `: ${outcome.message}`;
        this.counts.lastError = `the collector rejected ${rejected} of ${batch.spans} spans (partial success)${why}`;
        this.intake.release(rejected, 'exportFailed');
      }
      this.breaker.succeeded();
      this.progressed();
      return;
    }
    this.counts.failedExports++;
    this.counts.lastError = outcome.error;
    if (outcome.kind !== 'retry') {
      this.inflight = undefined;
      const parts =
        outcome.kind === 'too-large' && batch.entries.length === 1
          ? this.encoder.split(batch.entries[0]!)
          : batch.entries;
      if (outcome.kind === 'too-large' && parts.length > 1) {
        // Send it again in halves, and keep later requests under that size.
        this.requestBytes = Math.max(1, Math.floor(batch.bytes / 2));
        this.queue.unshiftAll(parts);
      } else this.intake.release(batch.spans, 'exportFailed');
      this.progressed();
      return;
    }
    const opened = this.breaker.failed();
    const { initialBackoffMs, maxBackoffMs } = this.limits;
    // Closing, the backoff starts over: the final flush gets its own retries, bounded by its deadline.
    const step = this.closed ? ++this.closingFailures : batch.attempt + 1;
    const delay = outcome.retryAfterMs ?? backoffDelay(step, initialBackoffMs, maxBackoffMs);
    const closingDeadline = this.closed ? this.deadlineAt : undefined;
    if (mayRetry(batch, delay, this.limits, closingDeadline, opened)) {
      batch.attempt++;
      this.timers.set('retry', delay, () => this.send(batch));
      return;
    }
    // Retries ran out (in number or in time) or the circuit opened: the batch goes back in front. It still
    // fits the caps, because spans in flight count against them.
    this.inflight = undefined;
    this.queue.unshiftAll(batch.entries);
    if (this.closed) {
      this.finish();
      return;
    }
    this.counts.releaseFlushes();
    if (opened) this.scheduleProbe(Math.max(this.limits.probeIntervalMs, outcome.retryAfterMs ?? 0));
    else {
      this.hold = true;
      this.pump();
    }
  }

  private progressed(): void {
    this.counts.resolveFlushes();
    this.pump();
  }

  private scheduleProbe(delay: number): void {
    this.timers.set('probe', delay, () => this.probe());
  }

  /** One empty export request: O(1) work however long the outage and however full the queue. */
  private probe(): void {
    if (this.finished) return;
    this.breaker.probing();
    this.probing = true;
    void context.with(EXPORT_CONTEXT, async () => {
      const outcome = await this.prober.send(this.limits.timeoutMs, this.cancel.signal);
      this.probing = false;
      this.guard(() => {
        if (this.finished) return;
        if (outcome.kind === 'delivered') {
          this.breaker.succeeded();
          this.delayElapsed = true;
        } else {
          this.counts.lastError = outcome.error;
          this.breaker.failed();
          if (!this.closed) this.scheduleProbe(this.limits.probeIntervalMs);
        }
        this.pump();
      });
    });
  }

  /**
   * Closing with nothing queued: encodes spans that ended while the last batch was in flight, and gives
   * spans still ending (a response closing) one more event-loop turn, once, before the pipeline ends.
   */
  private finishWhenIdle(): void {
    if (this.intake.queuedSpans() > 0) {
      this.encode();
      return;
    }
    if (this.lastTurnGiven) {
      this.finish();
      return;
    }
    this.lastTurnGiven = true;
    setImmediate(() => this.guard(() => this.encode()));
  }

  /** Ends the pipeline: whatever is still queued or in flight is dropped (shutdown), reported with `advice`. */
  private finish(advice?: string): void {
    if (this.finished) return;
    if (advice !== undefined) this.counts.advise(advice);
    this.finished = true;
    this.closed = true;
    this.clearTimers();
    const left =
      this.intake.discardUnencoded() + this.queue.clear() + (this.inflight ? this.inflight.spans : 0);
    this.inflight = undefined;
    if (left > 0) this.intake.release(left, 'shutdown');
    this.cancel.abort();
    this.transport.destroy();
    this.counts.releaseFlushes();
    this.counts.flushReport();
    this.resolveShutdown?.();
  }

  private clearTimers(): void {
    this.timers.clearAll();
    this.encodeArmed = false;
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.counts.fail(err);
    }
  }
}
