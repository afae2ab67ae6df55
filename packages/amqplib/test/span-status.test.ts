import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { recordError } from '../src/span-status.js';

const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('t');

function recorded(err: unknown) {
  exporter.reset();
  const span = tracer.startSpan('op');
  recordError(span, err);
  span.end();
  return exporter.getFinishedSpans()[0]!;
}

describe('recordError', () => {
  it('uses the class name and message of an Error', () => {
    const span = recorded(new TypeError('bad input'));
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it("uses the message of a plain error object, as Nest's RPC clients reject with", () => {
    const span = recorded({ status: 'error', message: 'card declined' });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(span.attributes['error.type']).toBe('_OTHER');
    expect(span.events[0]?.attributes?.['exception.message']).toBe('card declined');
  });

  it('falls back to _OTHER for values without a message', () => {
    expect(recorded(42).status.message).toBe('_OTHER');
  });
});
