import { context, trace } from '@opentelemetry/api';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { DeferredTracerProvider } from '../src/sdk/deferred-tracer-provider.js';

function sdkProvider(ended: ReadableSpan[]): TracerProvider {
  const processor: SpanProcessor = {
    onStart() {},
    onEnd: (span) => ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  return new TracerProvider({ spanProcessors: [processor] });
}

describe('DeferredTracerProvider', () => {
  it('builds the SDK on the first span, once, and records through it', () => {
    const ended: ReadableSpan[] = [];
    let loads = 0;
    const deferred = new DeferredTracerProvider(() => {
      loads++;
      return sdkProvider(ended);
    });
    const tracer = deferred.getTracer('scope', '1.0.0');
    const other = deferred.getTracer('other');
    expect(loads).toBe(0);

    tracer.startSpan('first').end();
    other.startSpan('second').end();
    const result = tracer.startActiveSpan('active', (span) => {
      span.end();
      return trace.getSpan(context.active()) === span;
    });

    expect(loads).toBe(1);
    expect(ended.map((s) => [s.name, s.instrumentationScope.name])).toEqual([
      ['first', 'scope'],
      ['second', 'other'],
      ['active', 'scope'],
    ]);
    expect(result).toBe(false); // no context manager in this test: startActiveSpan still calls through
  });

  it('hands out the SDK tracer itself once loaded', () => {
    const sdk = sdkProvider([]);
    const deferred = new DeferredTracerProvider(() => sdk);
    expect(deferred.getTracer('scope')).not.toBe(sdk.getTracer('scope'));
    expect(deferred.ensureLoaded()).toBe(sdk);
    expect(deferred.getTracer('scope')).toBe(sdk.getTracer('scope'));
  });
});
