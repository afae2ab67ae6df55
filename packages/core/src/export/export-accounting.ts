import type { DroppedSpans, ExportStats } from '../types.js';
import type { CircuitState } from './circuit-breaker.js';
import { DropReporter } from './drop-reporter.js';

interface FlushWaiter {
  /** Resolved when `settled` reaches this. */
  target: number;
  resolve: () => void;
}

/**
 * The pipeline's counters, the drop warning and `forceFlush` waiters. Every update is synchronous, so any
 * snapshot satisfies ended = exported + dropped + queued.
 */
export class ExportAccounting {
  exportedSpans = 0;
  failedExports = 0;
  retries = 0;
  lastError: string | undefined;
  /** Spans that left the queue (exported, or dropped after being queued): `forceFlush` progress. */
  settled = 0;
  private readonly dropped: DroppedSpans = { queueFull: 0, exportFailed: 0, shutdown: 0 };
  private readonly reporter = new DropReporter(() => this.lastError);
  private waiters: FlushWaiter[] = [];

  /** Counts dropped spans and reports them (rate-limited). */
  drop(reason: keyof DroppedSpans, count: number): void {
    this.dropped[reason] += count;
    this.reporter.record(reason, count);
  }

  /** Records an internal error; never throws. */
  fail(err: unknown, what = 'internal error'): void {
    this.lastError = `${what}: ${errorMessage(err)}`;
  }

  get flushing(): boolean {
    return this.waiters.length > 0;
  }

  /** Resolves once `settled` reaches `target` (or {@link releaseFlushes} gives up). */
  waitUntilSettled(target: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  resolveFlushes(): void {
    if (this.waiters.length === 0) return;
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.waiters) {
      if (this.settled >= waiter.target) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  /** No progress is possible for now (collector unreachable, or the pipeline ended): resolve every flush. */
  releaseFlushes(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  /** Writes any drop count not reported yet (the process is ending). */
  flushReport(): void {
    this.reporter.flush();
  }

  /** Ends every later drop warning with `advice` instead of the usual hint. */
  advise(advice: string): void {
    this.reporter.advise(advice);
  }

  snapshot(queuedSpans: number, queuedBytes: number, circuit: CircuitState): ExportStats {
    return {
      exportedSpans: this.exportedSpans,
      queuedSpans,
      queuedBytes,
      failedExports: this.failedExports,
      retries: this.retries,
      droppedSpans: { ...this.dropped },
      circuit,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }
}

/** One line describing `err`. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
