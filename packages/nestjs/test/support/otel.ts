// A real OpenTelemetry SDK for in-process tests: ended spans are collected by a span processor as they end
// (SimpleSpanProcessor exports asynchronously), the context travels through AsyncLocalStorage, W3C headers
// propagate, and (on request) the HTTP instrumentation makes server spans.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { context, propagation, type SpanContext, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface TestTracing {
  spans(): ReadableSpan[];
  named(name: string): ReadableSpan[];
  one(name: string): ReadableSpan;
  /** Resolves once a span with this name has ended. */
  ended(name: string): Promise<ReadableSpan>;
  reset(): void;
}

/** Installs the SDK globally for this test file (each file runs in its own process). */
export function setupTracing(options: { http?: boolean; nestInstrumentation?: boolean } = {}): TestTracing {
  let finished: ReadableSpan[] = [];
  const waiters: { name: string; resolve: (span: ReadableSpan) => void }[] = [];
  const collector: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      finished.push(span);
      for (const waiter of waiters.filter((w) => w.name === span.name)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(span);
      }
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new TracerProvider({ spanProcessors: [collector] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  if (options.nestInstrumentation === true) {
    // The official Nest instrumentation, enabled next to TracingModule: it must not double the handler spans.
    registerInstrumentations({ instrumentations: [new NestInstrumentation()] });
  }
  if (options.http === true) {
    registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
    // The instrumentation patches http.Server.prototype when http is first required after it is enabled.
    createRequire(join(process.cwd(), 'package.json'))('node:http');
  }
  const spans = (): ReadableSpan[] => finished;
  const named = (name: string): ReadableSpan[] => spans().filter((span) => span.name === name);
  return {
    spans,
    named,
    one(name) {
      const found = named(name);
      if (found.length !== 1) {
        throw new Error(
          `expected one span "${name}", got ${found.length}: ${spans()
            .map((s) => s.name)
            .join(', ')}`,
        );
      }
      return found[0]!;
    },
    ended(name) {
      const done = named(name)[0];
      if (done !== undefined) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ name, resolve }));
    },
    reset: () => {
      finished = [];
    },
  };
}

/** True when `child` is a direct child of `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan | SpanContext): boolean {
  const parentContext =
    'spanContext' in parent && typeof parent.spanContext === 'function'
      ? parent.spanContext()
      : (parent as SpanContext);
  return (
    child.parentSpanContext?.spanId === parentContext.spanId &&
    child.spanContext().traceId === parentContext.traceId
  );
}

/** Duration of a span in milliseconds. */
export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}
