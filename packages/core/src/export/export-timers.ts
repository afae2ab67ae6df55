import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/** Each exporter callback runs here: outside any app trace, and with tracing suppressed. */
export const EXPORT_CONTEXT = suppressTracing(ROOT_CONTEXT);

/** The pipeline's timers: encoding pass, scheduled export, retry sleep, circuit probe. */
export type TimerName = 'encode' | 'export' | 'retry' | 'probe';

/**
 * One unref'd timer per name, each firing in {@link EXPORT_CONTEXT} through `guard` (so a callback that
 * throws is counted, not thrown into the app).
 */
export class ExportTimers {
  private readonly handles = new Map<TimerName, NodeJS.Timeout>();
  private readonly armed = new Set<TimerName>();

  constructor(private readonly guard: (action: () => void) => void) {}

  /** Runs `callback` in `ms`, replacing a pending timer of that name. */
  set(name: TimerName, ms: number, callback: () => void): void {
    this.clear(name);
    const fire = (): void => {
      this.armed.delete(name);
      this.guard(callback);
    };
    const handle = context.with(EXPORT_CONTEXT, () => setTimeout(fire, ms));
    handle.unref();
    this.handles.set(name, handle);
    this.armed.add(name);
  }

  /**
   * As {@link set}, but reuses the timer this name had, fired or not, with `refresh()`: a timer armed once
   * per encoding pass allocates nothing. Its callback stays the first one given.
   */
  rearm(name: TimerName, ms: number, callback: () => void): void {
    const handle = this.handles.get(name);
    if (handle === undefined) {
      this.set(name, ms, callback);
      return;
    }
    handle.refresh();
    this.armed.add(name);
  }

  /** Whether the named timer is waiting to fire. */
  pending(name: TimerName): boolean {
    return this.armed.has(name);
  }

  clear(name: TimerName): void {
    const handle = this.handles.get(name);
    if (handle !== undefined) clearTimeout(handle);
    this.handles.delete(name);
    this.armed.delete(name);
  }

  clearAll(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
    this.armed.clear();
  }
}
