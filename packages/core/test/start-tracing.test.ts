import { context, propagation, trace } from '@opentelemetry/api';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTracing, startTracing } from '../src/index.js';
import { captureStderr } from './capture-stderr.js';

// In-process: one tracing pipeline for the whole file, as in an app that calls startTracing() itself.
describe('startTracing() in process', () => {
  const stderr = captureStderr();
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await getTracing()?.shutdown();
    await receiver.close();
  });

  it('starts once, exports over OTLP, and returns the same handle afterwards', async () => {
    expect(getTracing()).toBeUndefined();
    const handle = startTracing({
      serviceName: 'in-process',
      resourceAttributes: { 'deployment.environment.name': 'test' },
      export: { endpoint: receiver.endpoint, scheduledDelayMs: 10 },
      propagators: ['tracecontext', 'baggage', 'b3', 'jaeger'],
      // The receiver runs in this process: with http on, its server would trace each export it receives.
      disabledInstrumentations: ['grpc', 'http'],
    });
    expect(getTracing()).toBe(handle);

    const tracer = trace.getTracer('unit');
    tracer.startActiveSpan('parent', (parent) => {
      tracer.startSpan('child').end();
      parent.end();
    });
    await handle.forceFlush();
    const spans = await receiver.waitForSpans(2);
    const parent = spans.find((s) => s.name === 'parent');
    expect(spans.find((s) => s.name === 'child')?.parentSpanId).toBe(parent?.spanId);
    expect(parent?.resource).toMatchObject({
      'service.name': 'in-process',
      'deployment.environment.name': 'test',
      'process.runtime.name': 'nodejs',
    });
    expect(handle.stats()).toMatchObject({ exportedSpans: 2, queuedSpans: 0 });

    expect(startTracing({ serviceName: 'another' })).toBe(handle);
    expect(stderr.join('\n')).toContain('startTracing() was called again with different options');
  });

  it('injects every configured propagation format', () => {
    const carrier: Record<string, string> = {};
    const span = trace.getTracer('unit').startSpan('outgoing');
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(carrier.b3).toBe(`${traceId}-${spanId}-1`);
    expect(carrier['uber-trace-id']).toBe(`${traceId}:${spanId}:0:01`);
  });

  it('shuts down once: later calls share the result and spans are no longer recorded', async () => {
    const handle = getTracing()!;
    const first = handle.shutdown();
    expect(handle.shutdown()).toBe(first);
    await first;
    expect(trace.getTracer('unit').startSpan('after').isRecording()).toBe(false);
  });
});
