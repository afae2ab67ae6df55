import { type Context, propagation, trace } from '@opentelemetry/api';
import { getTracing, startTracing } from '@spanwise/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpHeadersGetter, extractContext, injectContext } from '../src/index.js';

// Hostile AMQP header tables against every propagator, through the public helpers: extractContext never
// throws, never returns an invalid context, injectContext never writes an invalid header, and no key
// (`__proto__`, `constructor`) reaches a prototype.
const SEED = Number(process.env.FC_SEED ?? (process.env.CI === 'true' ? 20261202 : Date.now() % 2 ** 31));
const FIELDS = [
  'traceparent',
  'tracestate',
  'baggage',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-sampled',
  'x-b3-flags',
  'uber-trace-id',
  'jaeger-baggage',
  'uberctx-team',
  'ot-tracer-traceid',
  'ot-tracer-spanid',
  'ot-tracer-sampled',
  'ot-baggage-team',
];
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

const randomCase = (key: string) =>
  fc
    .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
    .map((upper) => [...key].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const key = fc.oneof(
  fc.constantFrom(...FIELDS).chain(randomCase),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.string({ maxLength: 12 }),
);
const text = fc.oneof(
  fc.constantFrom(
    `00-${TRACE}-${SPAN}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `${TRACE}-${SPAN}-d`,
    `${TRACE}:${SPAN}:0:1`,
    `${TRACE.toUpperCase()}:${SPAN}:0:3`,
    '0:0:0:0',
    '0',
    'd',
    'true',
    'blue+team',
    '%zz',
    '\ud800',
    TRACE,
    SPAN,
    '0'.repeat(32),
  ),
  fc.string({ maxLength: 80 }),
  fc.integer({ min: 8000, max: 200_000 }).map((n) => 'f'.repeat(n)),
);
const leaf = fc.oneof(
  text,
  text.map((t) => Buffer.from(t)),
  text.map((t) => new Uint8Array(Buffer.from(t))),
  fc.integer(),
  fc.bigInt(),
  fc.boolean(),
  fc.constantFrom(null, undefined, Number.NaN),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;
/** A table built the way an AMQP decoder builds one: own data properties, `__proto__` included. */
const table = fc.array(fc.tuple(key, value), { maxLength: 20 }).map((entries) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
});

const HEADER_CHECKS: Record<string, RegExp> = {
  traceparent: /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-0[01]$/,
  b3: /^(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[01d]$/,
  'x-b3-traceid': /^(?!0{32})[0-9a-f]{32}$/,
  'x-b3-spanid': /^(?!0{16})[0-9a-f]{16}$/,
  'x-b3-sampled': /^[01]$/,
  'x-b3-flags': /^1$/,
  'uber-trace-id': /^(?!0{32})[0-9a-f]{32}:(?!0{16})[0-9a-f]{16}:0:0[0-3]$/,
  'ot-tracer-traceid': /^(?!0{16}$)(?!0{32}$)([0-9a-f]{16}|[0-9a-f]{32})$/,
  'ot-tracer-spanid': /^(?!0{16})[0-9a-f]{16}$/,
  'ot-tracer-sampled': /^(true|false)$/,
};
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

function checkContext(ctx: Context): void {
  const sc = trace.getSpanContext(ctx);
  if (sc === undefined) return;
  expect(sc.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
  expect(sc.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
}

function checkInjected(headers: Record<string, unknown>): void {
  for (const [name, check] of Object.entries(HEADER_CHECKS)) {
    if (Object.hasOwn(headers, name)) expect(String(headers[name]), name).toMatch(check);
  }
  for (const [name, v] of Object.entries(headers)) {
    if (name.startsWith('uberctx-') || name.startsWith('ot-baggage-')) {
      expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/);
      expect(v).toMatch(HEADER_VALUE);
    }
  }
}

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).join(',');

beforeAll(() => {
  startTracing({
    exporter: 'none',
    propagators: ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'ottrace'],
    enabledInstrumentations: [],
  });
});
afterAll(async () => {
  await getTracing()?.shutdown();
});

describe('hostile AMQP header tables, every propagator', () => {
  it('extractContext, amqpHeadersGetter and injectContext stay valid, bounded and harmless', () => {
    try {
      fc.assert(
        fc.property(table, (headers) => {
          for (const field of FIELDS) {
            const got = amqpHeadersGetter.get(headers, field);
            if (got !== undefined) expect(typeof got === 'string' && got.length <= 8192).toBe(true);
          }
          const ctx = extractContext(headers);
          checkContext(ctx);
          checkContext(extractContext({ content: Buffer.alloc(0), fields: {}, properties: { headers } }));
          checkInjected(injectContext({}, ctx));
          const out = injectContext(headers, ctx);
          // Round trip: what was injected reads back as the same context.
          const back = trace.getSpanContext(extractContext(out));
          if (trace.getSpanContext(ctx) !== undefined)
            expect(back?.traceId).toBe(trace.getSpanContext(ctx)?.traceId);
          expect(propagation.getBaggage(ctx)?.getAllEntries().length ?? 0).toBeLessThanOrEqual(360);
          expect(Object.getOwnPropertyNames(Object.prototype).join(',')).toBe(prototypeNames);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { seed: SEED, numRuns: 400 },
      );
    } catch (error) {
      throw new Error(`property failed; replay with FC_SEED=${SEED}\n${(error as Error).message}`);
    }
  });
});
