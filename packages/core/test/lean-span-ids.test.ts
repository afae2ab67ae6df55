// Lean spans carry their ids' bytes to the encoder: what it writes from them is byte for byte what the OTel
// serializer writes from the hex, for roots, children, remote parents and ids from a custom generator.
import { context, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  type IdGenerator,
  RandomIdGenerator,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPAN_LIMITS } from '../src/config/span-limits.js';
import { LeanTracerProvider } from '../src/engine/index.js';
import { ProtobufTraceEncoder } from '../src/export/otlp-trace-encoder.js';
import { PooledIdGenerator } from '../src/sdk/pooled-id-generator.js';

function provider(idGenerator: IdGenerator = new PooledIdGenerator()): {
  tracer: ReturnType<LeanTracerProvider['getTracer']>;
  ended: ReadableSpan[];
} {
  const ended: ReadableSpan[] = [];
  const collector: SpanProcessor = {
    onStart() {},
    onEnd: (span) => ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const tracers = new LeanTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'ids' }),
    sampler: new AlwaysOnSampler(),
    idGenerator,
    spanLimits: DEFAULT_SPAN_LIMITS,
    spanProcessors: [collector],
  });
  return { tracer: tracers.getTracer('ids'), ended };
}

const official = (spans: ReadableSpan[]): Buffer =>
  Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

/** A request's worth of spans: a root (or a remote parent's child), a child and a grandchild. */
function request(tracer: ReturnType<typeof provider>['tracer'], parent = ROOT_CONTEXT): void {
  const root = tracer.startSpan('GET /hello', {}, parent);
  const child = tracer.startSpan('Controller.hello', {}, trace.setSpan(parent, root));
  const grandchild: Span = tracer.startSpan('Service.greet', {}, trace.setSpan(parent, child));
  grandchild.end();
  child.end();
  root.end();
}

describe('lean span id bytes', () => {
  it('encode exactly like their hex, across many id pool refills', () => {
    const { tracer, ended } = provider();
    const encoder = new ProtobufTraceEncoder();
    // 3 000 requests: 9 000 span ids and 3 000 trace ids, several 64 KiB pools.
    for (let i = 0; i < 3000; i++) request(tracer);
    for (let i = 0; i < ended.length; i += 256) {
      const pass = ended.slice(i, i + 256);
      expect(encoder.encode(pass)).toEqual(official(pass));
    }
    const first = ended[0] as unknown as { spanIdBytes: unknown; traceIdBytes: unknown };
    expect(first.spanIdBytes).toBeInstanceOf(Uint8Array);
    expect(first.traceIdBytes).toBeInstanceOf(Uint8Array);
  });

  it('encode a remote parent and ids from a custom generator from their hex', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const remote = propagation.extract(context.active(), {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const pooled = provider();
      request(pooled.tracer, remote);
      const custom = provider(new RandomIdGenerator());
      request(custom.tracer);
      const spans = [...pooled.ended, ...custom.ended];
      expect(new ProtobufTraceEncoder().encode(spans)).toEqual(official(spans));
      const root = pooled.ended.at(-1) as unknown as { traceIdBytes: unknown; parentIdBytes: unknown };
      expect([root.traceIdBytes, root.parentIdBytes]).toEqual([undefined, undefined]);
    } finally {
      propagation.disable();
    }
  });
});
