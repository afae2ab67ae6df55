import { context, propagation, type SpanContext, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** An in-process SDK: AsyncLocalStorage context, W3C trace context + baggage, spans kept in memory. */
export interface TestTracing {
  exporter: InMemorySpanExporter;
  provider: TracerProvider;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

/** Registers a fresh SDK globally; call `shutdown` in afterAll. */
export function setupTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  return {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The first finished span named `name` (throws when there is none, with the names that do exist). */
export function spanNamed(spans: ReadableSpan[], name: string, traceId?: string): ReadableSpan {
  const found = spans.find(
    (s) => s.name === name && (traceId === undefined || s.spanContext().traceId === traceId),
  );
  if (found === undefined) {
    throw new Error(`no span named "${name}"; finished: ${spans.map((s) => s.name).join(', ')}`);
  }
  return found;
}

/** True when `child` is a direct child of `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan | SpanContext): boolean {
  const parentContext = 'spanContext' in parent ? parent.spanContext() : parent;
  return (
    child.parentSpanContext?.spanId === parentContext.spanId &&
    child.spanContext().traceId === parentContext.traceId
  );
}

/** Resolves on the next tick after `predicate` holds, polling the event loop (no fixed sleeps). */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
