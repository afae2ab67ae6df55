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
