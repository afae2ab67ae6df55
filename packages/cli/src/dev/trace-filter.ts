import type { ReceivedSpan } from '../receiver/received-span.js';
import { isError, serviceOf, traceBounds } from './render.js';

/** Which completed traces `spanwise dev` prints. */
export interface TraceFilterOptions {
  /** Only traces with at least one span from this service. */
  service?: string;
  /** Only traces lasting at least this many milliseconds, first start to last end. */
  minDurationMs?: number;
  /** Only traces with at least one ERROR span. */
  errorsOnly: boolean;
}

/** Builds the predicate a completed trace must pass to be printed. */
export function traceFilter(options: TraceFilterOptions): (spans: readonly ReceivedSpan[]) => boolean {
  const { service, minDurationMs, errorsOnly } = options;
  const minNanos = minDurationMs === undefined ? undefined : BigInt(Math.round(minDurationMs * 1e6));
  return (spans) => {
    if (service !== undefined && !spans.some((span) => serviceOf(span) === service)) return false;
    if (errorsOnly && !spans.some(isError)) return false;
    if (minNanos !== undefined) {
      const { start, end } = traceBounds(spans);
      if (end - start < minNanos) return false;
    }
    return true;
  };
}
