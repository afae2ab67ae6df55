import {
  type Attributes,
  context,
  type HrTime,
  type Link,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { emptyResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type TimedEvent,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtobufTraceEncoder } from '../../src/export/otlp-trace-encoder.js';

const official = (spans: ReadableSpan[]): Buffer =>
  Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

/** Spans made by the SDK: every attribute type it accepts, events, links, parents, status, several scopes. */
function sdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'encoder-test',
      'process.pid': 4242,
      'host.arch': 'amd64',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const http = provider.getTracer('http', '1.0.0');
  const db = provider.getTracer('db');
  const linked = http.startSpan('linked');
  linked.end();
  const parent = http.startSpan('GET /things/:id', { kind: SpanKind.SERVER });
  const child = db.startSpan(
    'SELECT ✓ 日本語 🎉',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        str: 'text ✓',
        empty: '',
        long: 'x'.repeat(300),
        longUnicode: 'é'.repeat(200),
        emoji: '🎉'.repeat(40),
        int: 42,
        zero: 0,
        negative: -7,
        minSafe: Number.MIN_SAFE_INTEGER,
        big: 2 ** 40 + 3,
        double: 1.5,
        nan: Number.NaN,
        huge: 1e300,
        bool: false,
        yes: true,
        strings: ['a', '', 'ü'],
        ints: [1, -2, 3],
        doubles: [0.5, 2.25],
        bools: [true, false],
        sparse: ['a', null, 'b'],
      },
      links: [
        { context: linked.spanContext(), attributes: { why: 'batch' } },
        { context: { ...linked.spanContext(), isRemote: true, traceState: new TraceState('a=1,b=2') } },
      ],
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('cache miss', { key: 'user:1', size: 3 });
  child.addEvent('bare');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed: ✗' });
  child.end();
  parent.setStatus({ code: SpanStatusCode.OK });
  parent.end();
  for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER])
    http.startSpan(`k${kind}`, { kind }).end();
  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=opaque'),
  });
  http.startSpan('remote child', {}, remoteParent).end();
  http.startSpan('', { attributes: { '': '' } }).end();
  return exporter.getFinishedSpans();
}

const spanContext = (traceId: string, spanId: string, extra: Partial<SpanContext> = {}): SpanContext => ({
  traceId,
  spanId,
  traceFlags: TraceFlags.NONE,
  ...extra,
});

/** A span built by hand, for values the SDK would refuse or never produce (bytes, kvlist, huge times). */
function handSpan(
  resource: Resource,
  scope: ReadableSpan['instrumentationScope'],
  fields: Partial<ReadableSpan>,
): ReadableSpan {
  const ctx = spanContext('5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174');
  return {
    name: 'hand',
    kind: SpanKind.INTERNAL,
    spanContext: () => ctx,
    startTime: [0, 0] as HrTime,
    endTime: [0, 1] as HrTime,
    status: { code: SpanStatusCode.UNSET },
    attributes: {},
    links: [] as Link[],
    events: [] as TimedEvent[],
    duration: [0, 1] as HrTime,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...fields,
  };
}

function handSpans(): ReadableSpan[] {
  const resource = resourceFromAttributes(
    { 'service.name': 'hand', nested: ['x'] },
    { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
  );
  const scope = {
    name: 'hand-scope',
    version: '9.9.9',
    schemaUrl: 'https://opentelemetry.io/schemas/1.28.0',
    attributes: { 'scope.attr': 'v', n: 1 },
    droppedAttributesCount: 2,
  };
  const bare = { name: '' };
  const odd = {
    bytes: new Uint8Array([0, 1, 255]),
    kvlist: { inner: 'v', deeper: { n: -1, list: [1.25, 'two', new Uint8Array([7])] } },
    undef: undefined,
    int64Edge: -(2 ** 63),
    aboveInt64: 2 ** 63,
  } as unknown as Attributes;
  return [
    handSpan(resource, scope, {
      name: 'times',
      startTime: [1_763_763_763, 999_999_999],
      endTime: [4_294_967_295, 123_456_789],
      attributes: odd,
      droppedAttributesCount: 3,
      droppedEventsCount: 200,
      droppedLinksCount: 70_000,
      events: [{ name: 'e', time: [1_700_000_000, 5], attributes: odd, droppedAttributesCount: 1 }],
      links: [
        {
          context: spanContext('ABCDEF0123456789ABCDEF0123456789', '0123456789ABCDEF', { traceFlags: 1 }),
          droppedAttributesCount: 4,
        },
      ],
      status: { code: SpanStatusCode.OK, message: '' },
    }),
    handSpan(emptyResource(), bare, {
      kind: SpanKind.SERVER,
      parentSpanContext: spanContext('5b8efff798038103d269b633813fc60c', '00f067aa0ba902b7', {
        isRemote: false,
      }),
    }),
    handSpan(resource, bare, {
      attributes: { many: Array.from({ length: 60 }, (_, i) => `item ${i} ${'é'.repeat(i)}`) },
    }),
  ];
}

describe('ProtobufTraceEncoder', () => {
  it('writes exactly the bytes of the OTel serializer for SDK spans of every shape', () => {
    const spans = sdkSpans();
    expect(spans.length).toBeGreaterThan(7);
    expect(new ProtobufTraceEncoder().encode(spans)).toEqual(official(spans));
  });

  it('writes exactly the bytes of the OTel serializer for bytes, kvlists, int64 edges, large times and scope extras', () => {
    const spans = handSpans();
    expect(new ProtobufTraceEncoder().encode(spans)).toEqual(official(spans));
  });

  it('stays identical across passes that reuse cached resources and scopes, mixed in any order', () => {
    const spans = [...sdkSpans(), ...handSpans()];
    const encoder = new ProtobufTraceEncoder();
    const reversed = [...spans].reverse();
    for (const pass of [spans, reversed, spans.slice(3), reversed.slice(0, 2), spans]) {
      expect(encoder.encode(pass)).toEqual(official(pass));
    }
  });

  it('grows its buffer for a large pass (over 1 MiB) and stays exact in the passes after', () => {
    const large = Array.from({ length: 600 }, () => sdkSpans()).flat();
    const small = sdkSpans();
    const encoder = new ProtobufTraceEncoder();
    const first = encoder.encode(large);
    expect(first.length).toBeGreaterThan(1024 * 1024);
    expect(first).toEqual(official(large));
    expect(encoder.encode(small)).toEqual(official(small));
    expect(encoder.encode(large)).toEqual(first);
  });

  it('matches the OTel serializer for any times, shared trace ids and repeated names and pairs', () => {
    // The writer splits each second into 64 bits once and reuses the last trace id's bytes: times across the
    // whole fixed64 range, nanoseconds at their edges, ids repeated or not, and attributes whose lengths
    // move already written bytes must all still give the serializer's exact bytes.
    const hex = (chars: number) =>
      fc.stringMatching(new RegExp(`^[0-9a-f]{${chars}}$`)).filter((id) => !/^0+$/.test(id));
    const time = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.constantFrom(0, 1, 65_535, 65_536, 1_763_763_763)),
      fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(0, 999_999_999)),
    );
    const spanArb = fc.record({
      traceId: hex(32),
      spanId: hex(16),
      parentId: fc.option(hex(16), { nil: undefined }),
      start: time,
      end: time,
      // Values and names that repeat, so the encoder's memo of pairs and names is hit, changed and bypassed.
      value: fc.oneof(
        fc.constantFrom(
          'GET',
          'POST',
          '/hello',
          'é✓',
          'x'.repeat(200),
          0,
          -0,
          200,
          1.5,
          Number.NaN,
          true,
          false,
        ),
        fc.string({ maxLength: 300 }),
        fc.integer(),
      ),
      key: fc.constantFrom('value', 'http.route', 'k'.repeat(150)),
      name: fc.oneof(fc.constantFrom('GET /hello', 'HelloService.greet', 'n'.repeat(140)), fc.string()),
    });
    const resource = resourceFromAttributes({ 'service.name': 'prop' });
    const scope = { name: 'prop' };
    // One encoder for every run: what it remembers from earlier passes must never change a later one.
    const encoder = new ProtobufTraceEncoder();
    fc.assert(
      fc.property(fc.array(fc.tuple(spanArb, fc.boolean()), { maxLength: 12 }), (drawn) => {
        let lastTraceId = '5b8efff798038103d269b633813fc60c';
        const spans = drawn.map(([s, sameTrace]) => {
          const traceId = sameTrace ? lastTraceId : s.traceId;
          lastTraceId = traceId;
          const ctx = spanContext(traceId, s.spanId);
          return handSpan(resource, scope, {
            spanContext: () => ctx,
            ...(s.parentId === undefined ? {} : { parentSpanContext: spanContext(traceId, s.parentId) }),
            startTime: s.start as HrTime,
            endTime: s.end as HrTime,
            name: s.name,
            attributes: { [s.key]: s.value, other: s.value },
          });
        });
        expect(encoder.encode(spans)).toEqual(official(spans));
        expect(encoder.encode([...spans].reverse())).toEqual(official([...spans].reverse()));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes no spans as an empty request', () => {
    expect(new ProtobufTraceEncoder().encode([])).toHaveLength(0);
  });
});
