import { INVALID_SPAN_CONTEXT, isSpanContextValid, type Span, trace } from '@opentelemetry/api';

/** The API's `NonRecordingSpan` class: what a tracer without an SDK returns, and the SDK for an unsampled span. */
const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT).constructor;

/**
 * Whether `span` is a no-op with no context of its own (what a tracer returns without an SDK): then there is
 * nothing to record and no context to carry. Only the API's `NonRecordingSpan` can be one; a span engine's
 * own non-recording span (Spanwise's lean engine's) has valid ids by construction and is not checked again,
 * as the check matches both ids against regular expressions and compares them with strings of zeros. With
 * the id generator's byte check, that took an unsampled request of `pnpm bench http` from 202.8k to 195.1k
 * instructions (`bench/engine/request-instructions.mjs spanwise-unsampled`). A span of another copy of the
 * API is not matched: it is then made active like a real one, which costs a context switch and changes
 * nothing (its ids read as invalid everywhere).
 */
export function isNoopSpan(span: Span): boolean {
  return (
    !span.isRecording() && span.constructor === NON_RECORDING_SPAN && !isSpanContextValid(span.spanContext())
  );
}
