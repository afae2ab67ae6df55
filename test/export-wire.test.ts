import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, testConfig } from '../packages/core/test/export/pipeline-harness.js';

// What the pipeline puts on the wire, decoded by the receiver with the official opentelemetry-proto schema
// and compared field by field.

/** One attribute of every OTLP value type: sent on a span, and expected back exactly. */
const EVERY_TYPE = {
  str: 'text ✓',
  int: 42,
  negative: -7,
  double: 1.5,
  bool: false,
  strings: ['a', 'b'],
  ints: [1, 2, 3],
  doubles: [0.5, 2.25],
  bools: [true, false],
};

let receiver: Receiver;
let harness: Harness;

beforeAll(async () => {
  receiver = await startReceiver();
  harness = new Harness(testConfig(receiver.endpoint), {
    'service.name': 'wire-test',
    'service.version': '1.2.3',
    'host.cores': 2,
  });
});

afterAll(async () => {
  await harness.shutdown();
  await receiver.close();
});

describe('OTLP protobuf on the wire', () => {
  it('carries ids, parents, kinds, status, events, links, attributes of every type, resource and scope', async () => {
    const tracer = harness.tracer('wire-scope', '4.5.6');
    const linked = tracer.startSpan('linked');
    linked.end();
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER });
    const parentCtx = parent.spanContext();
    const child = tracer.startSpan(
      'child',
      {
        kind: SpanKind.CLIENT,
        attributes: EVERY_TYPE,
        links: [{ context: linked.spanContext(), attributes: { why: 'batch' } }],
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('cache miss', { key: 'user:1', size: 3 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
    child.end();
    parent.setStatus({ code: SpanStatusCode.OK });
    parent.end();
    const producer = tracer.startSpan('producer', { kind: SpanKind.PRODUCER });
    producer.end();
    const consumer = tracer.startSpan('consumer', { kind: SpanKind.CONSUMER });
    consumer.end();

    await harness.pipeline.forceFlush();
    const spans = await receiver.waitForSpans(5);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const got = byName.get('child')!;
    const sent = child.spanContext();

    expect(got.traceId).toBe(sent.traceId);
    expect(got.spanId).toBe(sent.spanId);
    expect(got.parentSpanId).toBe(parentCtx.spanId);
    expect(got.traceId).toBe(parentCtx.traceId);
    expect(got.kind).toBe(3);
    expect(got.status).toEqual({ code: 2, message: 'upstream failed' });
    expect(got.attributes).toEqual(EVERY_TYPE);
    expect(got.events).toHaveLength(1);
    expect(got.events[0]).toMatchObject({ name: 'cache miss', attributes: { key: 'user:1', size: 3 } });
    expect(got.events[0]!.timeUnixNano).toBeGreaterThanOrEqual(got.startTimeUnixNano);
    expect(got.links).toHaveLength(1);
    expect(got.links[0]).toMatchObject({
      traceId: linked.spanContext().traceId,
      spanId: linked.spanContext().spanId,
      attributes: { why: 'batch' },
    });
    expect(got.endTimeUnixNano).toBeGreaterThanOrEqual(got.startTimeUnixNano);
    expect((got.flags ?? 0) & 0xff).toBe(TraceFlags.SAMPLED);
    expect(got.scope).toEqual({ name: 'wire-scope', version: '4.5.6' });
    expect(got.resource).toMatchObject({
      'service.name': 'wire-test',
      'service.version': '1.2.3',
      'host.cores': 2,
    });

    const parentGot = byName.get('parent')!;
    expect(parentGot.parentSpanId).toBe('');
    expect(parentGot.kind).toBe(2);
    expect(parentGot.status.code).toBe(1);
    expect(byName.get('linked')!.kind).toBe(1);
    expect(byName.get('producer')!.kind).toBe(4);
    expect(byName.get('consumer')!.kind).toBe(5);
  });
});
