import type { DroppedSpans } from '../types.js';

/** At most one drop warning per this many ms, after the first. */
export const DROP_WARNING_INTERVAL_MS = 60_000;

const REASONS: Record<keyof DroppedSpans, string> = {
  queueFull: 'queue full (OTEL_BSP_MAX_QUEUE_SIZE / SPANWISE_MAX_QUEUE_BYTES)',
  exportFailed: 'export failed',
  shutdown: 'undelivered at shutdown',
};

const GENERAL_ADVICE = 'Check that the collector is reachable and keeps up, or raise the limits';

/**
 * Reports dropped spans on stderr whatever the log level: the first drop at once, then at most one line per
 * interval with the count since the previous line, by reason.
 */
export class DropReporter {
  private readonly unreported: DroppedSpans = { queueFull: 0, exportFailed: 0, shutdown: 0 };
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private advice = GENERAL_ADVICE;

  constructor(
    private readonly lastError: () => string | undefined,
    private readonly intervalMs = DROP_WARNING_INTERVAL_MS,
    private readonly write: (line: string) => void = (line) => console.warn(line),
  ) {}

  /** Counts `count` spans dropped for `reason`; O(1). */
  record(reason: keyof DroppedSpans, count: number): void {
    this.unreported[reason] += count;
    if (this.timer) return;
    const wait = this.lastWarnAt + this.intervalMs - Date.now();
    if (wait <= 0) this.report();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.report();
      }, wait);
      this.timer.unref();
    }
  }

  /** Writes what is still unreported now (the process is ending, so there is no later line). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.report();
  }

  /** Replaces the usual hint at the end of every later line (the process is exiting in a way it names). */
  advise(advice: string): void {
    this.advice = advice;
  }

  private report(): void {
    const parts: string[] = [];
    let total = 0;
    for (const reason of Object.keys(REASONS) as (keyof DroppedSpans)[]) {
      const count = this.unreported[reason];
      if (count === 0) continue;
      parts.push(`${count} ${REASONS[reason]}`);
      total += count;
      this.unreported[reason] = 0;
    }
    if (total === 0) return;
    this.lastWarnAt = Date.now();
    const error = this.lastError();
    try {
      this.write(
        `[spanwise] dropped ${total} span${total === 1 ? '' : 's'}: ${parts.join(', ')}` +
          `${error ? `; last export error: ${error}` : ''}. ${this.advice}; tracing stats() has the totals.`,
      );
    } catch {
      // A broken stderr must not break the app.
    }
  }
}
