// Which spans @Traced and the handler interceptor call straight through for: only a no-op with no context
// of its own, never an engine's unsampled span, which must still be made active for its children.
import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { isNoopSpan } from '../src/noop-span.js';

const VALID = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0 };

describe('isNoopSpan', () => {
  it('is true for what a tracer without an SDK returns, under no parent or an invalid one', () => {
    const noop = new ProxyTracerProvider().getTracer('t');
    expect(isNoopSpan(noop.startSpan('s', {}, ROOT_CONTEXT))).toBe(true);
    expect(isNoopSpan(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))).toBe(true);
  });

  it('is false for the non-recording span of a valid context, and for spans an SDK made', () => {
    expect(isNoopSpan(trace.wrapSpanContext(VALID))).toBe(false);
    const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('t').startSpan('s');
    expect(unsampled.isRecording()).toBe(false);
    expect(isNoopSpan(unsampled)).toBe(false);
    const recording = new TracerProvider().getTracer('t').startSpan('s');
    expect(recording.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    expect(isNoopSpan(recording)).toBe(false);
  });
});
