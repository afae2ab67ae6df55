/**
 * How the receiver answers export requests, for fault-injection tests:
 * - `ok`: 200 with an empty `ExportTraceServiceResponse`;
 * - `hang`: read the request, never answer;
 * - `delay`: answer 200 after `ms` milliseconds;
 * - `status`: answer `status` (with `Retry-After: retryAfter` when given); after `times` answers, back to `ok`;
 * - `destroy`: read the request, then reset the connection;
 * - `partial`: answer 200 with a partial success (`rejectedSpans`, `errorMessage`), encoded with the official
 *   schema in the request's format;
 * - `body`: answer 200 with exactly `body` (a misconfigured proxy's HTML page, garbage, a hand-made response).
 *
 * Under `partial` and `body`, the spans of the request still count as received.
 */
export type Fault =
  | { type: 'ok' }
  | { type: 'hang' }
  | { type: 'delay'; ms: number }
  | { type: 'status'; status: number; retryAfter?: string; times?: number }
  | { type: 'destroy' }
  | { type: 'partial'; rejectedSpans: number; errorMessage?: string }
  | { type: 'body'; body: Uint8Array | string; contentType?: string };

/** The fault in force, counting down `times` for status faults. */
export class FaultPlan {
  private current: Fault = { type: 'ok' };
  private remaining = Number.POSITIVE_INFINITY;

  set(fault: Fault): void {
    validate(fault);
    this.current = { ...fault };
    this.remaining =
      fault.type === 'status' && fault.times !== undefined ? fault.times : Number.POSITIVE_INFINITY;
  }

  /** The fault to apply to the request that just arrived; consumes one of a status fault's `times`. */
  next(): Fault {
    const fault = this.current;
    if (fault.type === 'status') {
      this.remaining -= 1;
      if (this.remaining <= 0) this.current = { type: 'ok' };
    }
    return fault;
  }
}

function validate(fault: Fault): void {
  if (fault.type === 'partial' && !(Number.isSafeInteger(fault.rejectedSpans) && fault.rejectedSpans >= 0)) {
    throw new RangeError(`partial fault needs rejectedSpans >= 0, got ${fault.rejectedSpans}`);
  }
  if (fault.type === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
    throw new RangeError(`delay fault needs ms >= 0, got ${fault.ms}`);
  }
  if (fault.type === 'status') {
    if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
      throw new RangeError(`status fault needs an HTTP status 100-599, got ${fault.status}`);
    }
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
      throw new RangeError(`status fault times must be a positive integer, got ${fault.times}`);
    }
  }
}
