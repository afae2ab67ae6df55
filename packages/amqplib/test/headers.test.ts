import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amqpHeadersGetter,
  amqpHeadersSetter,
  carryContext,
  extractContext,
  injectContext,
  MAX_HEADER_VALUE_LENGTH,
} from '../src/index.js';
import { setupTracing, type TestTracing } from './helpers/tracing.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let tracing: TestTracing;
beforeAll(() => {
  tracing = setupTracing();
});
afterAll(async () => {
  await tracing.shutdown();
});

describe('amqpHeadersGetter', () => {
  it('reads Buffer values, arrays and keys in any case', () => {
    expect(amqpHeadersGetter.get({ TraceParent: Buffer.from(TRACEPARENT) }, 'traceparent')).toBe(TRACEPARENT);
    expect(amqpHeadersGetter.get({ traceparent: [TRACEPARENT, 'x'] }, 'traceparent')).toBe(TRACEPARENT);
  });

  it('treats hostile values as absent and never throws', () => {
    const proto = JSON.parse('{"__proto__": {"traceparent": "polluted"}}') as Record<string, unknown>;
    expect(amqpHeadersGetter.get(proto, 'traceparent')).toBeUndefined();
    expect(
      amqpHeadersGetter.get({ traceparent: { nested: { table: TRACEPARENT } } }, 'traceparent'),
    ).toBeUndefined();
    expect(
      amqpHeadersGetter.get({ baggage: 'a'.repeat(MAX_HEADER_VALUE_LENGTH + 1) }, 'baggage'),
    ).toBeUndefined();
    const throwing = Object.defineProperty({}, 'traceparent', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(amqpHeadersGetter.get(throwing, 'traceparent')).toBeUndefined();
    expect(amqpHeadersGetter.get(null, 'traceparent')).toBeUndefined();
    expect(amqpHeadersGetter.keys(undefined)).toEqual([]);
  });

  it('setter never reaches the prototype and replaces case variants', () => {
    const carrier: Record<string, unknown> = { TRACEPARENT: 'old' };
    amqpHeadersSetter.set(carrier, '__proto__', 'x');
    amqpHeadersSetter.set(carrier, 'traceparent', TRACEPARENT);
    expect(Object.getPrototypeOf(carrier)).toBe(Object.prototype);
    expect(Object.keys(carrier).sort()).toEqual(['__proto__', 'traceparent']);
    expect(() => amqpHeadersSetter.set(Object.freeze({}), 'traceparent', TRACEPARENT)).not.toThrow();
  });
});

describe('injectContext / extractContext / carryContext', () => {
  it('injects into a new object and leaves the input untouched', () => {
    const span = trace.getTracer('t').startSpan('parent');
    const input = Object.freeze({ 'x-app': 'kept' });
    const out = injectContext(input, trace.setSpan(ROOT_CONTEXT, span));
    span.end();
    expect(out).not.toBe(input);
    expect(input).toEqual({ 'x-app': 'kept' });
    expect(out['x-app']).toBe('kept');
    expect(out.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('extracts trace context and baggage from Buffer headers of a message', () => {
    const msg = {
      content: Buffer.alloc(0),
      fields: {},
      properties: { headers: { traceparent: Buffer.from(TRACEPARENT), baggage: Buffer.from('tenant=acme') } },
    };
    const ctx = extractContext(msg);
    expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('acme');
    expect(extractContext({ properties: { headers: 'garbage' }, fields: {} })).toBe(ROOT_CONTEXT);
  });

  it('carryContext locks the propagation fields against later overwrites', () => {
    const span = trace.getTracer('t').startSpan('sender');
    const options = { headers: { a: 1 }, persistent: true };
    const carried = context.with(trace.setSpan(ROOT_CONTEXT, span), () => carryContext(options));
    span.end();
    expect(options).toEqual({ headers: { a: 1 }, persistent: true });
    const headers = carried.headers as Record<string, unknown>;
    // What a publish instrumentation running later in another context does:
    propagation.inject(trace.setSpan(ROOT_CONTEXT, trace.getTracer('t').startSpan('other')), headers);
    expect(headers.traceparent).toContain(span.spanContext().spanId);
    expect(JSON.parse(JSON.stringify(headers)).traceparent).toContain(span.spanContext().spanId);
  });
});
