import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { AlwaysOffSampler, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../src/config/env-reader.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { createSampler, resolveSampler } from '../src/config/sampler.js';
import { extraInstrumentationEntries } from '../src/instrumentations/extra-instrumentations.js';
import { UrlRedactor } from '../src/instrumentations/url-redactor.js';
import { GuardedSpanProcessor } from '../src/sdk/guarded-span-processor.js';
import { captureStderr } from './capture-stderr.js';

const stderr = captureStderr();
const span = {} as Span & ReadableSpan;

function processor(overrides: Partial<SpanProcessor>): SpanProcessor {
  return {
    onStart() {},
    onEnd() {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    ...overrides,
  };
}

describe('GuardedSpanProcessor', () => {
  it('swallows throws from onStart and onEnd, reporting the first one only', () => {
    class Faulty {
      onStart() {
        throw new Error('start');
      }
      onEnd() {
        throw new Error('end');
      }
      forceFlush = () => Promise.resolve();
      shutdown = () => Promise.resolve();
    }
    const guarded = new GuardedSpanProcessor(new Faulty(), 100);
    expect(() => guarded.onStart(span, ROOT_CONTEXT)).not.toThrow();
    expect(() => guarded.onEnd(span)).not.toThrow();
    expect(stderr).toEqual([
      '[spanwise] WARN span processor Faulty threw from onStart() (Error: start); the span is exported all the same. Further errors from this processor are not reported.',
    ]);
  });

  it('never rejects, and stops waiting for a hung shutdown at the deadline', async () => {
    const hung = new GuardedSpanProcessor(processor({ shutdown: () => new Promise(() => {}) }), 50);
    await expect(hung.shutdown()).resolves.toBeUndefined();
    expect(stderr[0]).toContain('shutdown() did not finish within 50 ms; not waiting for it.');
    const failing = new GuardedSpanProcessor(
      processor({ forceFlush: () => Promise.reject(new Error('no')) }),
      50,
    );
    await expect(failing.forceFlush()).resolves.toBeUndefined();
  });
});

describe('TracingOptions extension points', () => {
  it('a Sampler object is used as is; a malformed one warns and falls back', () => {
    const sampler = new AlwaysOffSampler();
    expect(createSampler(resolveSampler(new EnvReader({}), sampler))).toBe(sampler);
    const fallback = resolveSampler(new EnvReader({}), {} as AlwaysOffSampler);
    expect(fallback.name).toBe('parentbased_always_on');
    expect(stderr[0]).toContain('is not a sampler name or an object with shouldSample()');
    const decision = createSampler(fallback).shouldSample(
      ROOT_CONTEXT,
      'a'.repeat(32),
      'x',
      SpanKind.SERVER,
      {},
      [],
    );
    expect(decision.decision).toBe(2);
  });

  it('keeps span processors and instrumentations that fit the interface, and warns about the rest', () => {
    const config = resolveConfig(
      new EnvReader({}),
      { spanProcessors: [processor({}), { onEnd() {} } as never] },
      false,
    );
    expect(config.spanProcessors).toHaveLength(1);
    expect(extraInstrumentationEntries([{ enable() {} }])).toEqual([]);
    expect(stderr).toEqual([
      '[spanwise] WARN TracingOptions.spanProcessors[1] is not a SpanProcessor (onStart, onEnd, forceFlush, shutdown); leaving it out.',
      '[spanwise] WARN TracingOptions.instrumentations[0] is not an OpenTelemetry Instrumentation (enable, disable, setTracerProvider, getConfig); leaving it out.',
    ]);
  });

  it('an instrumentation that patches modules waits, disabled, for its first module to load', () => {
    const calls: string[] = [];
    const instrumentation = {
      instrumentationName: 'acme',
      enable: () => calls.push('enable'),
      disable: () => calls.push('disable'),
      setTracerProvider() {},
      getConfig: () => ({ enabled: true }),
      getModuleDefinitions: () => [{ name: 'acme-db' }, { name: '@acme/driver' }],
    };
    const [entry] = extraInstrumentationEntries([instrumentation]);
    expect(entry).toMatchObject({ name: 'acme', modules: ['acme-db', '@acme/driver'] });
    expect(calls).toEqual(['disable']);
    expect(entry!.create({ http: {}, redactor: new UrlRedactor([]) })).toBe(instrumentation);
    expect(calls).toEqual(['disable', 'enable']);
  });
});
