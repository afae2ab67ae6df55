import { INVALID_SPAN_CONTEXT, isSpanContextValid, type Span, trace } from '@opentelemetry/api';

/** The API's `NonRecordingSpan` class: what a tracer without an SDK returns, and the SDK for an unsampled span. */
const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT).constructor;

/**
 * Whether `span` is a no-op with no context of its own (what a tracer returns without an SDK): then there is
 * nothing to record and no context to carry. Only the API's `NonRecordingSpan` can be one; a span engine's
 * own non-recording span (Spanwise's lean engine's) has valid ids by construction and is not checked again,
 * as the check matches both ids against regular expressions and compares them with strings of zeros, about
 * 1 µs per call on ids cut from a longer string (`bench/engine/request-instructions.mjs`).
 */
export function isNoopSpan(span: Span): boolean {
  return (
    !span.isRecording() && span.constructor === NON_RECORDING_SPAN && !isSpanContextValid(span.spanContext())
  );
}
