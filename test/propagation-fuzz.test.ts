import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertProperty } from './support/fuzz-seed.js';
import { getEcho, invalidPropagationHeaders } from './support/propagation-headers.js';
import { startNode } from './support/run-node.js';

// Every propagator's extract, fuzzed through the register hook's HTTP server in a real process: whatever
// the headers, the app serves, its server span has valid ids, its own outgoing call carries only valid
// propagation headers, and nothing reaches Object.prototype.
const app = join(__dirname, 'fixtures', 'core', 'propagation-echo-app.cjs');
const ALL = 'tracecontext,baggage,b3,b3multi,jaeger,ottrace';

const hexChar = fc.constantFrom(...'0123456789abcdefABCDEF');
const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const lowerHex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const token = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'),
  minLength: 1,
  maxLength: 12,
});
const junk = fc.string({ unit: printable, maxLength: 40 });
/** Hex ids of every length and case, zeros, junk, and now and then a huge one (bounded by Node's 16 KiB). */
const hexId = fc.oneof(
  lowerHex(16),
  lowerHex(32),
  fc.string({ unit: hexChar, minLength: 16, maxLength: 16 }),
  fc.string({ unit: hexChar, minLength: 32, maxLength: 32 }),
  fc.string({ unit: hexChar, maxLength: 40 }),
  fc.constantFrom('0', '0'.repeat(16), '0'.repeat(32), ''),
  junk,
  fc.integer({ min: 100, max: 3000 }).map((n) => 'a'.repeat(n)),
);
const flag = fc.oneof(fc.constantFrom('0', '1', 'd', '2', '3', '01', 'true', 'false', 'TRUE', ''), junk);
const joined = (separator: fc.Arbitrary<string>, part: fc.Arbitrary<string>) =>
  fc.tuple(fc.array(part, { minLength: 1, maxLength: 5 }), separator).map(([parts, sep]) => parts.join(sep));
const maybeTwice = (value: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.tuple(value, value) });
const baggageValue = fc.oneof(junk, fc.constantFrom('blue+team', 'a%20b', '%zz', '100%', '%E2%82%AC'));

const hostileHeaders = fc
  .record(
    {
      traceparent: maybeTwice(fc.oneof(joined(fc.constant('-'), fc.oneof(hexId, flag)), junk)),
      tracestate: junk,
      baggage: maybeTwice(fc.oneof(junk, fc.constantFrom('a=b', 'a=%zz', '=,=,', 'k=v;p=1'))),
      b3: maybeTwice(fc.oneof(joined(fc.constant('-'), fc.oneof(hexId, flag)), flag)),
      'x-b3-traceid': maybeTwice(hexId),
      'x-b3-spanid': hexId,
      'x-b3-parentspanid': hexId,
      'x-b3-sampled': flag,
      'x-b3-flags': flag,
      'uber-trace-id': maybeTwice(
        fc.oneof(
          fc.tuple(hexId, hexId, hexId, flag).map((parts) => parts.join(':')),
          joined(fc.constantFrom(':', '%3A', '%3a'), fc.oneof(hexId, flag)),
        ),
      ),
      'jaeger-baggage': fc.oneof(junk, fc.constantFrom('k=v', 'k=v, x=y+z', 'k', '=', 'a=b=c')),
      'ot-tracer-traceid': hexId,
      'ot-tracer-spanid': hexId,
      'ot-tracer-sampled': flag,
    },
    { requiredKeys: [] },
  )
  .chain((headers) =>
    fc
      .dictionary(
        fc
          .tuple(
            fc.constantFrom('uberctx-', 'ot-baggage-'),
            fc.oneof(token, fc.constantFrom('__proto__', 'constructor')),
          )
          .map(([p, k]) => p + k),
        baggageValue,
        { maxKeys: 4 },
      )
      .map((baggage) => ({ ...headers, ...baggage }) as Record<string, string | string[]>),
  )
  // Within Node's default 16 KiB header limit, so the request reaches the app instead of a 431.
  .filter((headers) => JSON.stringify(headers).length < 14 * 1024);

/** A valid context and the same context written in one format, as that format's peers may write it. */
const validVector = fc
  .record({
    traceId: lowerHex(32).filter((id) => !/^0+$/.test(id)),
    spanId: lowerHex(16).filter((id) => !/^0+$/.test(id)),
    sampled: fc.boolean(),
    upper: fc.boolean(),
    format: fc.constantFrom('tracecontext', 'b3', 'b3multi', 'jaeger', 'ottrace'),
  })
  .map(({ traceId, spanId, sampled, upper, format }) => {
    const s = sampled ? '1' : '0';
    const up = (id: string) => (upper ? id.toUpperCase() : id);
    const headers: Record<string, string> =
      format === 'tracecontext'
        ? { traceparent: `00-${traceId}-${spanId}-0${s}` }
        : format === 'b3'
          ? { b3: `${traceId}-${spanId}-${s}` }
          : format === 'b3multi'
            ? { 'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-sampled': sampled ? 'true' : '0' }
            : format === 'jaeger'
              ? { 'uber-trace-id': `${up(traceId).replace(/^0+/, '')}:${up(spanId)}:0:${s}` }
              : {
                  'ot-tracer-traceid': up(traceId),
                  'ot-tracer-spanid': up(spanId),
                  'ot-tracer-sampled': sampled ? 'true' : '0',
                };
    return { traceId, spanId, sampled, headers };
  });

let proc: ReturnType<typeof startNode>;
let port: string;
beforeAll(async () => {
  proc = startNode(['--require', '@spanwise/core/register', app], {
    OTEL_PROPAGATORS: ALL,
    OTEL_TRACES_EXPORTER: 'none',
  });
  [, port = ''] = await proc.waitForLine(/listening (\d+)/);
});
afterAll(async () => {
  proc.child.kill('SIGTERM');
  await proc.exited;
});

describe(`propagation fuzzing through the register hook (OTEL_PROPAGATORS=${ALL})`, () => {
  it('hostile headers: the app serves, every id is valid, every injected header is valid, no pollution', async () => {
    await assertProperty(
      fc.asyncProperty(hostileHeaders, async (headers) => {
        const reply = await getEcho(port, headers);
        expect(reply.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
        expect(reply.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
        expect(invalidPropagationHeaders(reply.outgoing)).toEqual([]);
        expect(reply.prototypeClean).toBe(true);
      }),
      250,
    );
    expect(proc.stderr()).toBe('');
  });

  it('a valid context in any format, in any case its peers write, is continued with its decision', async () => {
    await assertProperty(
      fc.asyncProperty(validVector, async ({ traceId, spanId, sampled, headers }) => {
        const reply = await getEcho(port, headers);
        expect(reply.traceId).toBe(traceId);
        expect(reply.sampled).toBe(sampled);
        if (sampled) expect(reply.parentSpanId).toBe(spanId);
        expect(reply.outgoing.traceparent).toMatch(
          new RegExp(`^00-${traceId}-[0-9a-f]{16}-0${sampled ? 1 : 0}$`),
        );
        expect(invalidPropagationHeaders(reply.outgoing)).toEqual([]);
      }),
      150,
    );
  });
});
