import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../src/config/env-reader.js';
import { createPropagator } from '../src/config/propagators.js';
import { createSampler, resolveSampler } from '../src/config/sampler.js';

const getter = {
  keys: (c: Record<string, string>) => Object.keys(c),
  get: (c: Record<string, string>, k: string) => c[k],
};

describe('createPropagator', () => {
  it('extracts whichever configured format the carrier has', () => {
    const propagator = createPropagator(['tracecontext', 'b3multi', 'jaeger']);
    const fromB3 = propagator.extract(
      ROOT_CONTEXT,
      {
        'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124',
        'x-b3-spanid': 'a2fb4a1d1a96d312',
        'x-b3-sampled': '1',
      },
      getter,
    );
    expect(trace.getSpanContext(fromB3)?.traceId).toBe('463ac35c9f6413ad48485a3953bb6124');
    const fromJaeger = propagator.extract(ROOT_CONTEXT, { 'uber-trace-id': 'abc:def:0:1' }, getter);
    expect(trace.getSpanContext(fromJaeger)?.spanId).toBe('0000000000000def');
  });

  it('with no propagators injects nothing', () => {
    const carrier: Record<string, string> = {};
    createPropagator([]).inject(ROOT_CONTEXT, carrier, {
      set: (c, k, v) => {
        c[k] = v;
      },
    });
    expect(carrier).toEqual({});
  });
});

describe('resolveSampler', () => {
  it.each([
    ['always_on', 'AlwaysOnSampler'],
    ['always_off', 'AlwaysOffSampler'],
    ['traceidratio', 'TraceIdRatioBased{0.5}'],
    ['parentbased_always_off', 'ParentBased{root=AlwaysOffSampler'],
    ['parentbased_traceidratio', 'ParentBased{root=TraceIdRatioBased{0.5}'],
    ['parentbased_always_on', 'ParentBased{root=AlwaysOnSampler'],
  ])('builds %s', (name, description) => {
    const sampler = createSampler(
      resolveSampler(new EnvReader({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: '0.5' })),
    );
    expect(sampler.toString()).toContain(description);
  });

  it('falls back to a ratio of 1 for an out-of-range argument', () => {
    const sampler = createSampler(
      resolveSampler(new EnvReader({ OTEL_TRACES_SAMPLER_ARG: '7' }), 'traceidratio'),
    );
    expect(sampler.toString()).toBe('TraceIdRatioBased{1}');
  });
});
