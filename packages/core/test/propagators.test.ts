import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../src/config/env-reader.js';
import { createPropagator, resolvePropagatorNames } from '../src/config/propagators.js';
import { headersGetter, headersSetter } from '../src/index.js';
import { B3Propagator } from '../src/propagation/b3-propagator.js';
import { JaegerPropagator } from '../src/propagation/jaeger-propagator.js';
import { OtTracePropagator } from '../src/propagation/ottrace-propagator.js';
import { PropagatedDecisionSampler } from '../src/propagation/propagated-decision-sampler.js';
import { captureStderr } from './capture-stderr.js';

// Vectors from the peers' own sources: Kong's propagation strategies spec, openzipkin/b3-propagation's
// README, jaeger-client's codecs and OpenTelemetry's propagator tests.
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const TRACE_8 = '8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = 'b7ad6b7169203332';

const get = (headers: Record<string, string>) => (p: { extract: typeof propagation.extract }) =>
  p.extract(ROOT_CONTEXT, headers, headersGetter);
const extracted = (ctx: Context) => trace.getSpanContext(ctx);
const inject = (p: { inject: typeof propagation.inject }, ctx: Context) => {
  const carrier: Record<string, unknown> = {};
  p.inject(ctx, carrier, headersSetter);
  return carrier;
};
const remote = (traceId: string, spanId: string, traceFlags: number): SpanContext => ({
  traceId,
  spanId,
  traceFlags,
  isRemote: true,
});
const withSpan = (sc: SpanContext, ctx: Context = ROOT_CONTEXT) => trace.setSpanContext(ctx, sc);

const sampler = new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
const offSampler = new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
const decide = (s: PropagatedDecisionSampler, ctx: Context) =>
  s.shouldSample(ctx, TRACE, 'span', SpanKind.SERVER, {}, []).decision;

describe('B3', () => {
  const b3 = new B3Propagator('single');
  const b3multi = new B3Propagator('multi');

  it.each([
    [`${TRACE}-${SPAN}-1-${PARENT}`, TRACE, TraceFlags.SAMPLED],
    [`${TRACE}-${SPAN}-0-${PARENT}`, TRACE, TraceFlags.NONE],
    [`${TRACE}-${SPAN}-1`, TRACE, TraceFlags.SAMPLED],
    [`${TRACE_8}-${SPAN}-1`, `0000000000000000${TRACE_8}`, TraceFlags.SAMPLED],
    [
      '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90',
      '80f198ee56343ba864fe8b2a57d3eff7',
      1,
    ],
  ])('reads b3: %s', (header, traceId, flags) => {
    const sc = extracted(get({ b3: header })(b3));
    expect(sc).toEqual(remote(traceId, header.split('-')[1]!, flags));
  });

  it('reads X-B3-* (Kong base case and 8-byte trace id), true/false as the spec asks', () => {
    const headers = { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT };
    expect(extracted(get({ ...headers, 'x-b3-sampled': '1' })(b3))).toEqual(remote(TRACE, SPAN, 1));
    expect(extracted(get({ ...headers, 'x-b3-sampled': 'true' })(b3))).toEqual(remote(TRACE, SPAN, 1));
    expect(extracted(get({ ...headers, 'x-b3-sampled': 'false' })(b3multi))).toEqual(remote(TRACE, SPAN, 0));
    expect(extracted(get({ ...headers, 'x-b3-traceid': TRACE_8, 'x-b3-sampled': '1' })(b3))?.traceId).toBe(
      `0000000000000000${TRACE_8}`,
    );
  });

  it.each([
    [{ b3: `${TRACE.toUpperCase()}-${SPAN}-1` }],
    [{ b3: `${TRACE}-${SPAN.toUpperCase()}-1` }],
    [{ 'x-b3-traceid': TRACE.toUpperCase(), 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' }],
    [{ b3: `00000000000000000000000000000000-${SPAN}-1` }],
    [{ b3: `${TRACE}-0000000000000000-1` }],
    [{ b3: `${TRACE}-${SPAN}-x` }],
    [{ b3: `123-${SPAN}-1` }],
    [{ b3: `${TRACE}-${SPAN}-1-zz` }],
    [{ b3: `${'a'.repeat(16 * 1024)}-${SPAN}-1` }],
    [{ 'x-b3-traceid': 'x', 'x-b3-spanid': SPAN, 'x-b3-sampled': '0' }],
  ])('refuses ids B3 readers must reject (upper case, zero, malformed, oversized): %j', (headers) => {
    const ctx = get(headers)(b3);
    expect(extracted(ctx)).toBeUndefined();
    expect(decide(sampler, ctx)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('with no sampling decision, continues the trace and lets the local sampler decide', () => {
    for (const headers of [{ b3: `${TRACE}-${SPAN}` }, { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN }]) {
      const ctx = get(headers)(b3);
      expect(extracted(ctx)).toEqual(remote(TRACE, SPAN, TraceFlags.NONE));
      expect(decide(sampler, ctx)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(offSampler, ctx)).toBe(SamplingDecision.NOT_RECORD);
    }
  });

  it('b3: 0 and X-B3-Sampled: 0 without ids deny; b3: 1, b3: d and X-B3-Flags: 1 accept', () => {
    for (const headers of [{ b3: '0' }, { 'x-b3-sampled': '0' }]) {
      const ctx = get(headers)(b3);
      expect(extracted(ctx)).toBeUndefined();
      expect(decide(sampler, ctx)).toBe(SamplingDecision.NOT_RECORD);
    }
    for (const headers of [{ b3: '1' }, { b3: 'd' }, { 'x-b3-flags': '1' }]) {
      expect(decide(offSampler, get(headers)(b3))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    }
  });

  it('debug is sampled and goes out as debug again, in both encodings', () => {
    for (const headers of [
      { b3: `${TRACE}-${SPAN}-d` },
      { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-flags': '1' },
    ]) {
      const ctx = get(headers)(b3multi);
      expect(extracted(ctx)?.traceFlags).toBe(TraceFlags.SAMPLED);
      const child = withSpan(remote(TRACE, 'e457b5a2e4d86bd1', TraceFlags.SAMPLED), ctx);
      expect(inject(b3, child)).toEqual({ b3: `${TRACE}-e457b5a2e4d86bd1-d` });
      expect(inject(b3multi, child)).toEqual({
        'x-b3-traceid': TRACE,
        'x-b3-spanid': 'e457b5a2e4d86bd1',
        'x-b3-flags': '1',
      });
      // A new trace started in the same context is not debug.
      expect(inject(b3, withSpan(remote('1'.repeat(32), SPAN, 1), ctx))).toEqual({
        b3: `${'1'.repeat(32)}-${SPAN}-1`,
      });
    }
  });

  it('injects nothing for an invalid or suppressed context', () => {
    expect(inject(b3, withSpan(remote('0'.repeat(32), SPAN, 1)))).toEqual({});
    expect(inject(b3, suppressTracing(withSpan(remote(TRACE, SPAN, 1))))).toEqual({});
    expect(inject(b3multi, withSpan(remote(TRACE, SPAN, 0)))).toEqual({
      'x-b3-traceid': TRACE,
      'x-b3-spanid': SPAN,
      'x-b3-sampled': '0',
    });
  });
});

describe('Jaeger', () => {
  const jaeger = new JaegerPropagator();

  it.each([
    [`${TRACE}:${SPAN}:0:1`, TRACE, SPAN, 1],
    [`${TRACE}:${SPAN}:0:01`, TRACE, SPAN, 1],
    [`${TRACE}:${SPAN}:${PARENT}:0`, TRACE, SPAN, 0],
    // jaeger-client Node drops leading zeros; Go parses any case; the HTTP codec may URL-encode `:`.
    ['abc:def:0:1', '00000000000000000000000000000abc', '0000000000000def', 1],
    [`${TRACE.toUpperCase()}:${SPAN.toUpperCase()}:0:1`, TRACE, SPAN, 1],
    [`${TRACE}%3A${SPAN}%3A0%3A1`, TRACE, SPAN, 1],
    [`${TRACE}:${SPAN}:0:3`, TRACE, SPAN, 1],
  ])('reads uber-trace-id: %s', (header, traceId, spanId, flags) => {
    expect(extracted(get({ 'uber-trace-id': header })(jaeger))).toEqual(remote(traceId, spanId, flags));
  });

  it.each([
    '0:0:0:0',
    `0:${SPAN}:0:1`,
    `${TRACE}:0:0:1`,
    `${TRACE}:${SPAN}:0`,
    `${TRACE}:${SPAN}:0:1:1`,
    `${TRACE}:${SPAN}:0:zz`,
    `${TRACE}:${SPAN}:0:123`,
    `${TRACE}1:${SPAN}:0:1`,
    `${TRACE}:${SPAN}1:0:1`,
    `x${TRACE}:${SPAN}:0:1`,
    `${'f'.repeat(16 * 1024)}:${SPAN}:0:1`,
  ])('refuses uber-trace-id: %s', (header) => {
    expect(extracted(get({ 'uber-trace-id': header })(jaeger))).toBeUndefined();
  });

  it('debug (flag 2) is sampled and goes out with flags 3', () => {
    const ctx = get({ 'uber-trace-id': `${TRACE}:${SPAN}:0:2` })(jaeger);
    expect(extracted(ctx)?.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(inject(jaeger, withSpan(remote(TRACE, PARENT, 1), ctx))).toEqual({
      'uber-trace-id': `${TRACE}:${PARENT}:0:03`,
    });
  });

  it('reads uberctx-* with + as space (Go, Ruby), %-escapes (Node), and jaeger-baggage', () => {
    const ctx = get({
      'uberctx-team': 'blue+team',
      'uberctx-node': 'blue%20team%2B1',
      'uberctx-bad': '100%',
      'jaeger-baggage': 'k1=v1, k2=v 2, team=ignored, broken',
    })(jaeger);
    const entries = Object.fromEntries(
      propagation
        .getBaggage(ctx)!
        .getAllEntries()
        .map(([k, e]) => [k, e.value]),
    );
    expect(entries).toEqual({ team: 'blue team', node: 'blue team+1', bad: '100%', k1: 'v1', k2: 'v 2' });
  });

  it('injects 32/16 hex ids and percent-encoded baggage with header-safe keys only', () => {
    let baggage = propagation.createBaggage({
      team: { value: 'blue team+1' },
      'bad key': { value: 'x' },
      lone: { value: '\ud800' },
    });
    baggage = baggage.setEntry('ok', { value: 'v' });
    const ctx = propagation.setBaggage(withSpan(remote(TRACE, SPAN, 0)), baggage);
    expect(inject(jaeger, ctx)).toEqual({
      'uber-trace-id': `${TRACE}:${SPAN}:0:00`,
      'uberctx-team': 'blue%20team%2B1',
      'uberctx-ok': 'v',
    });
  });
});

describe('ottrace (Kong ot)', () => {
  const ot = new OtTracePropagator();
  const ids = { 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': SPAN };

  it.each([
    ['1', TraceFlags.SAMPLED],
    ['true', TraceFlags.SAMPLED],
    ['0', TraceFlags.NONE],
    ['false', TraceFlags.NONE],
  ])('reads ot-tracer-sampled: %s', (value, flags) => {
    const ctx = get({ ...ids, 'ot-tracer-sampled': value })(ot);
    expect(extracted(ctx)).toEqual(remote(TRACE, SPAN, flags));
    expect(decide(sampler, ctx)).toBe(
      flags === 1 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
    );
  });

  it('missing sampled leaves the decision to the local sampler; 8-byte and upper-case ids are read', () => {
    const ctx = get({ 'ot-tracer-traceid': TRACE_8.toUpperCase(), 'ot-tracer-spanid': SPAN })(ot);
    expect(extracted(ctx)).toEqual(remote(`0000000000000000${TRACE_8}`, SPAN, 0));
    expect(decide(sampler, ctx)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(offSampler, ctx)).toBe(SamplingDecision.NOT_RECORD);
  });

  it.each([
    [{ 'ot-tracer-traceid': '1234567890123456789012345678901234567890', 'ot-tracer-spanid': SPAN }],
    [{ 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': '123' }],
    [{ 'ot-tracer-traceid': '0'.repeat(16), 'ot-tracer-spanid': SPAN }],
    [{ 'ot-tracer-traceid': 'z'.repeat(16), 'ot-tracer-spanid': SPAN }],
    [{ 'ot-tracer-spanid': SPAN, 'ot-tracer-sampled': '1' }],
  ])('refuses %j', (headers) => {
    expect(extracted(get(headers)(ot))).toBeUndefined();
  });

  it('injects the low 64 bits, true/false and baggage plain or percent-encoded', () => {
    const baggage = propagation.createBaggage({
      foo: { value: 'bar' },
      team: { value: 'blue team' },
      pct: { value: '50%' },
    });
    const ctx = propagation.setBaggage(withSpan(remote(TRACE, SPAN, 1)), baggage);
    expect(inject(ot, ctx)).toEqual({
      'ot-tracer-traceid': TRACE_8,
      'ot-tracer-spanid': SPAN,
      'ot-tracer-sampled': 'true',
      'ot-baggage-foo': 'bar',
      'ot-baggage-team': 'blue team',
      'ot-baggage-pct': '50%25',
    });
    const back = get({ 'ot-baggage-pct': '50%25', 'ot-baggage-team': 'blue%20team' })(ot);
    expect(propagation.getBaggage(back)?.getEntry('pct')?.value).toBe('50%');
    expect(propagation.getBaggage(back)?.getEntry('team')?.value).toBe('blue team');
  });
});

describe('createPropagator', () => {
  it('the first configured format present gives the span context; baggage of the others is merged', () => {
    const propagator = createPropagator(['tracecontext', 'baggage', 'b3multi', 'jaeger']);
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      {
        traceparent: `00-${TRACE}-${SPAN}-01`,
        'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124',
        'x-b3-spanid': 'a2fb4a1d1a96d312',
        'uber-trace-id': 'abc:def:0:1',
        'uberctx-team': 'blue',
        baggage: 'tenant=acme',
      },
      headersGetter,
    );
    expect(extracted(ctx)).toEqual(remote(TRACE, SPAN, 1));
    expect(propagation.getBaggage(ctx)?.getAllEntries().length).toBe(2);
    expect(decide(offSampler, ctx)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('an upper-case Jaeger context goes out as a valid lower-case traceparent', () => {
    const propagator = createPropagator(['tracecontext', 'jaeger']);
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      { 'uber-trace-id': `${TRACE.toUpperCase()}:${SPAN}:0:1` },
      headersGetter,
    );
    expect(inject(propagator, ctx).traceparent).toBe(`00-${TRACE}-${SPAN}-01`);
  });

  it('with no propagators injects nothing', () => {
    expect(inject(createPropagator([]), withSpan(remote(TRACE, SPAN, 1)))).toEqual({});
  });
});

describe('resolvePropagatorNames', () => {
  const lines = captureStderr();
  const resolve = (value: string | undefined, names?: string[]) => ({
    result: resolvePropagatorNames(new EnvReader({ OTEL_PROPAGATORS: value }), names),
    stderr: lines.join('\n'),
  });

  it('takes the known names, ottrace included, without duplicates', () => {
    expect(resolve('tracecontext,ottrace,OTTRACE').result).toEqual(['tracecontext', 'ottrace']);
  });

  it('with no valid entry left, uses the default and says so', () => {
    const { result, stderr } = resolve('bogus');
    expect(result).toEqual(['tracecontext', 'baggage']);
    expect(stderr).toContain('OTEL_PROPAGATORS="bogus" is not one of');
    expect(stderr).toContain('using tracecontext,baggage (the default) instead');
  });

  it('skips an unknown entry beside valid ones, naming what is used', () => {
    const { result, stderr } = resolve('b3,bogus');
    expect(result).toEqual(['b3']);
    expect(stderr).toContain('OTEL_PROPAGATORS="bogus"');
    expect(stderr).toContain('using b3 instead');
  });

  it('none switches propagation off; an empty list is the default; propagators: [] is none', () => {
    expect(resolve('none').result).toEqual([]);
    expect(resolve(',').result).toEqual(['tracecontext', 'baggage']);
    expect(resolve(undefined, []).result).toEqual([]);
  });
});
