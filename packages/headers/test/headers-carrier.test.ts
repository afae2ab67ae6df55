import { describe, expect, it } from 'vitest';
import { headersGetter, headersSetter } from '../src/index.js';

describe('headersGetter', () => {
  it('reads strings, Buffers, byte arrays, arrays and numbers, with keys in any case', () => {
    const carrier = {
      TraceParent: Buffer.from('00-abc-def-01'),
      tracestate: ['a=1', 'b=2'],
      bytes: new Uint8Array([104, 105]),
      retries: 3,
    };
    expect(headersGetter.get(carrier, 'traceparent')).toBe('00-abc-def-01');
    expect(headersGetter.get(carrier, 'tracestate')).toBe('a=1');
    expect(headersGetter.get(carrier, 'bytes')).toBe('hi');
    expect(headersGetter.get(carrier, 'retries')).toBe('3');
    expect(headersGetter.keys(carrier)).toEqual(['TraceParent', 'tracestate', 'bytes', 'retries']);
  });

  it('never throws on hostile carriers and values', () => {
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
        has: () => {
          throw new Error('boom');
        },
      },
    );
    expect(headersGetter.get(throwing, 'traceparent')).toBeUndefined();
    expect(headersGetter.keys(throwing)).toEqual([]);
    expect(headersGetter.get(null, 'traceparent')).toBeUndefined();
    expect(headersGetter.keys(undefined)).toEqual([]);
    expect(headersGetter.get({ traceparent: { nested: true } }, 'traceparent')).toBeUndefined();
    expect(headersGetter.get(JSON.parse('{"__proto__": "x"}'), '__proto__')).toBe('x');
    expect(headersGetter.get({}, 'constructor')).toBeUndefined();
  });
});

describe('headersSetter', () => {
  it('replaces a key that differs only in case and can set __proto__ as a plain key', () => {
    const carrier: Record<string, unknown> = { Traceparent: 'old' };
    headersSetter.set(carrier, 'traceparent', 'new');
    headersSetter.set(carrier, '__proto__', 'x');
    expect(Object.keys(carrier)).toEqual(['traceparent', '__proto__']);
    expect(carrier.traceparent).toBe('new');
    expect(Object.getPrototypeOf(carrier)).toBe(Object.prototype);
  });
});

describe('headersGetter index', () => {
  it('finds mixed-case keys in a large table and stays true while the carrier changes in one turn', () => {
    const carrier: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) carrier[`X-Header-${i}`] = i;
    carrier['Uber-Trace-Id'] = 'a:b:0:1';
    expect(headersGetter.get(carrier, 'uber-trace-id')).toBe('a:b:0:1');
    expect(headersGetter.get(carrier, 'x-header-9999')).toBe('9999');
    expect(headersGetter.get(carrier, 'traceparent')).toBeUndefined();
    // Changed through the setter: the index follows.
    headersSetter.set(carrier, 'TraceParent', 'tp');
    headersSetter.set(carrier, 'uber-trace-id', 'c:d:0:1');
    expect(headersGetter.get(carrier, 'traceparent')).toBe('tp');
    expect(headersGetter.get(carrier, 'UBER-TRACE-ID')).toBe('c:d:0:1');
    expect(Object.hasOwn(carrier, 'Uber-Trace-Id')).toBe(false);
    expect(headersGetter.keys(carrier)).toContain('TraceParent');
    // Deleted behind its back: reads as absent rather than stale.
    delete carrier.TraceParent;
    expect(headersGetter.get(carrier, 'traceparent')).toBeUndefined();
  });

  it('prefers the exact key, then the lower-case one, then the first listed', () => {
    expect(headersGetter.get({ B3: 'upper', b3: 'lower' }, 'b3')).toBe('lower');
    expect(headersGetter.get({ TRACEPARENT: 'a', TraceParent: 'b' }, 'traceparent')).toBe('a');
  });

  it('reads values over 8192 characters or bytes, and nested arrays, as absent without decoding them', () => {
    expect(headersGetter.get({ b3: 'a'.repeat(8193) }, 'b3')).toBeUndefined();
    expect(headersGetter.get({ b3: Buffer.alloc(8193, 97) }, 'b3')).toBeUndefined();
    expect(headersGetter.get({ b3: [['1']] }, 'b3')).toBeUndefined();
    expect(headersGetter.get({ b3: 'a'.repeat(8192) }, 'b3')).toHaveLength(8192);
  });
});
