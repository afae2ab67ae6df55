import type { HrTime, TimeInput } from '@opentelemetry/api';
import { hrTime, isTimeInputHrTime, millisToHrTime } from '@opentelemetry/core';

/** The clock readings a span starts with: wall-clock milliseconds and the monotonic clock. */
export interface SpanClock {
  /** `Date.now()` when the span started. */
  readonly startedAtMs: number;
  /** `performance.now()` when the span started. */
  readonly startedAtPerf: number;
  /** The span's start time. */
  readonly startTime: HrTime;
  /** Whether the start time was given by the caller (then end times default to the wall clock). */
  readonly startTimeProvided: boolean;
}

/**
 * A time given to a span (its start, its end or an event's), or the default, exactly as the SDK's
 * `SpanImpl` reads it:
 * - a number no later than `performance.now()` is a monotonic reading, placed on the span's wall clock;
 * - a larger number is epoch milliseconds, a `Date` its epoch milliseconds, an `HrTime` itself;
 * - nothing means now: the wall clock if the span's start was given, else the start plus the monotonic time
 *   elapsed since (so durations are exact to the nanosecond the clock gives).
 */
export function spanTime(clock: SpanClock, input: TimeInput | undefined): HrTime {
  if (typeof input === 'number') {
    if (input <= performance.now()) {
      const offset = clock.startedAtMs - (clock.startedAtPerf + performance.timeOrigin);
      return hrTime(input + offset);
    }
    return millisToHrTime(input);
  }
  if (input instanceof Date) return millisToHrTime(input.getTime());
  if (isTimeInputHrTime(input)) return input;
  if (clock.startTimeProvided) return millisToHrTime(Date.now());
  return sinceStart(clock.startTime, performance.now() - clock.startedAtPerf);
}

/**
 * `addHrTimes(start, millisToHrTime(elapsedMs))`, the SDK's end time, with the same arithmetic in one array
 * instead of three.
 */
export function sinceStart(start: HrTime, elapsedMs: number): HrTime {
  let seconds = start[0] + Math.trunc(elapsedMs / 1000);
  let nanos = start[1] + Math.round((elapsedMs % 1000) * 1e6);
  if (nanos >= 1e9) {
    nanos -= 1e9;
    seconds += 1;
  }
  return [seconds, nanos];
}
