import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { buildJsonRequest, buildProtobufRequest } from '../../src/export/otlp-request.js';
import { JsonSpanEncoder, ProtobufSpanEncoder } from '../../src/export/span-encoder.js';
import { spanIdsOf } from './fake-collector.js';

const joined = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);

function endedSpans(serviceName: string, scopes: string[], perScope: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  for (let i = 0; i < perScope; i++) {
    for (const scope of scopes) provider.getTracer(scope, '1.2.3').startSpan(`${scope}-${i}`).end();
  }
  return exporter.getFinishedSpans();
}

describe('protobuf framing', () => {
  it('keeps a pass as the request the OTel serializer writes, and sends passes back to back', () => {
    const spans = endedSpans('svc', ['http', 'pg'], 10);
    const encoder = new ProtobufSpanEncoder();
    const [first, second] = [encoder.encode(spans.slice(0, 8)), encoder.encode(spans.slice(8))];
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ spans: 8, group: undefined });
    const body = joined(buildProtobufRequest([...first, ...second]));
    expect(spanIdsOf(body).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    expect(Buffer.from(body)).toEqual(
      Buffer.concat([
        ProtobufTraceSerializer.serializeRequest(spans.slice(0, 8))!,
        ProtobufTraceSerializer.serializeRequest(spans.slice(8))!,
      ]),
    );
  });

  it('cut into spans, rebuilds exactly the request the OTel serializer writes for the same spans', () => {
    const spans = endedSpans('svc', ['http', 'pg'], 20);
    const encoder = new ProtobufSpanEncoder();
    const entries = encoder.split(encoder.encode(spans)[0]!);
    expect(entries).toHaveLength(40);
    expect(entries.every((e) => e.spans === 1)).toBe(true);
    expect(Buffer.from(joined(buildProtobufRequest(entries)))).toEqual(
      Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    );
  });

  it('writes each resource and scope once for spans encoded in separate passes', () => {
    const spans = endedSpans('svc', ['http', 'pg'], 10);
    const encoder = new ProtobufSpanEncoder();
    const cut = (part: ReadableSpan[]) => encoder.split(encoder.encode(part)[0]!);
    const entries = [...cut(spans.slice(0, 7)), ...cut(spans.slice(7))];
    const groups = new Set(entries.map((e) => e.group));
    expect(groups.size).toBe(2);
    expect(Buffer.from(joined(buildProtobufRequest(entries)))).toEqual(
      Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    );
  });

  it('keeps spans of different resources under their own resource', () => {
    const a = endedSpans('a', ['x'], 3);
    const b = endedSpans('b', ['x'], 2);
    const encoder = new ProtobufSpanEncoder();
    const entries = [...encoder.split(encoder.encode(a)[0]!), ...encoder.split(encoder.encode(b)[0]!)];
    const body = joined(buildProtobufRequest(entries));
    expect(spanIdsOf(body)).toEqual([...a, ...b].map((s) => s.spanContext().spanId));
    expect(Buffer.from(body)).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest([...a, ...b])!));
  });

  it('takes any subset of entries, e.g. the halves of a split batch', () => {
    const spans = endedSpans('svc', ['http'], 9);
    const encoder = new ProtobufSpanEncoder();
    const entries = encoder.split(encoder.encode(spans)[0]!);
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(spanIdsOf(joined(buildProtobufRequest(entries.slice(0, 4))))).toEqual(ids.slice(0, 4));
    expect(spanIdsOf(joined(buildProtobufRequest(entries.slice(4))))).toEqual(ids.slice(4));
  });
});

describe('json framing', () => {
  it('joins passes into one valid OTLP/JSON request', () => {
    const spans = endedSpans('svc', ['http'], 5);
    const encoder = new JsonSpanEncoder();
    const entries = [...encoder.encode(spans.slice(0, 2)), ...encoder.encode(spans.slice(2))];
    expect(entries.map((e) => e.spans)).toEqual([2, 3]);
    const request = JSON.parse(Buffer.from(joined(buildJsonRequest(entries))).toString()) as {
      resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
    };
    const ids = request.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)),
    );
    expect(ids).toEqual(spans.map((s) => s.spanContext().spanId));
  });
});
