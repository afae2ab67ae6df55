import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DirectReplyToClient,
  extractContext,
  isAmqpTracingError,
  isReplyTimeoutError,
  reply,
  tracedConsume,
} from '../src/index.js';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker, uniqueQueue } from './helpers/broker.js';
import { isChildOf, setupTracing, spanNamed, type TestTracing, waitFor } from './helpers/tracing.js';

const problem = probeBroker();

describe.skipIf(skipWithoutBroker(problem))('DirectReplyToClient on a real broker', () => {
  let tracing: TestTracing;
  let callerConn: ChannelModel;
  let responderConn: ChannelModel;
  let caller: Channel;
  let responder: Channel;
  let client: DirectReplyToClient;
  const queues: string[] = [];

  beforeAll(async () => {
    requireBroker(problem);
    tracing = setupTracing();
    callerConn = await amqp.connect(AMQP_URL);
    responderConn = await amqp.connect(AMQP_URL);
    caller = await callerConn.createChannel();
    responder = await responderConn.createChannel();
    client = new DirectReplyToClient(caller, { timeoutMs: 5000 });
  });

  afterEach(() => {
    tracing.exporter.reset();
  });

  afterAll(async () => {
    for (const q of queues) await responder?.deleteQueue(q);
    await callerConn?.close();
    await responderConn?.close();
    await tracing?.shutdown();
  });

  async function requestQueue(label: string): Promise<string> {
    const q = uniqueQueue(label);
    queues.push(q);
    await responder.assertQueue(q, { autoDelete: false });
    return q;
  }

  /** Runs `request` inside a `request` span and returns the span, the reply and the continuation's span. */
  async function call(q: string, body = 'ping') {
    return trace.getTracer('test').startActiveSpan('request', async (request) => {
      const msg = await client.request(q, Buffer.from(body));
      const continuation = trace.getActiveSpan();
      request.end();
      return { request, msg, continuation };
    });
  }

  it('an instrumented responder: one trace, the CLIENT span covers the round trip, linked to the reply', async () => {
    const q = await requestQueue('rpc');
    await tracedConsume(responder, q, (msg) => {
      if (msg === null) return;
      reply(responder, msg, Buffer.from(`pong:${msg.content}`));
      responder.ack(msg);
    });
    const { request, msg, continuation } = await call(q);
    expect(msg.content.toString()).toBe('pong:ping');
    expect(continuation).toBe(request);
    await waitFor(() => tracing.spans().length === 4);

    const spans = tracing.spans();
    const send = spanNamed(spans, `send ${q}`);
    const process = spanNamed(spans, `process ${q}`);
    const replied = spanNamed(spans, 'publish (temporary)');
    expect(send.kind).toBe(SpanKind.CLIENT);
    expect(isChildOf(send, request.spanContext())).toBe(true);
    expect(isChildOf(process, send)).toBe(true);
    expect(isChildOf(replied, process)).toBe(true);
    expect(send.links.map((l) => l.context.spanId)).toEqual([replied.spanContext().spanId]);
    expect(replied.attributes).toMatchObject({
      'messaging.destination.temporary': true,
      'messaging.destination.anonymous': true,
    });
    expect(replied.attributes['messaging.destination.name']).toBeUndefined();
    expect(spans.every((s) => !s.name.includes('amq.rabbitmq.reply-to'))).toBe(true);
    expect(send.attributes['messaging.message.conversation_id']).toBe(msg.properties.correlationId);
    // The round trip: the CLIENT span starts before the responder and ends after its reply.
    expect(toNanos(send.startTime)).toBeLessThanOrEqual(toNanos(process.startTime));
    expect(toNanos(send.endTime)).toBeGreaterThanOrEqual(toNanos(replied.endTime));
    expect(client.pendingCount).toBe(0);
  });

  it('an uninstrumented responder: the CLIENT span still ends, nothing starts a new trace', async () => {
    const q = await requestQueue('plain');
    await responder.consume(q, (msg) => {
      if (msg === null) return;
      responder.sendToQueue(msg.properties.replyTo, Buffer.from('pong'), {
        correlationId: msg.properties.correlationId,
      });
      responder.ack(msg);
    });
    const { request, continuation } = await call(q);
    expect(continuation).toBe(request);
    await waitFor(() => tracing.spans().length === 2);
    const send = spanNamed(tracing.spans(), `send ${q}`);
    expect(isChildOf(send, request.spanContext())).toBe(true);
    expect(send.links).toEqual([]);
    expect(new Set(tracing.spans().map((s) => s.spanContext().traceId))).toEqual(
      new Set([request.spanContext().traceId]),
    );
  });

  it('a responder copying traceparent back (the pika recipe): the CLIENT span does not link to itself', async () => {
    const q = await requestQueue('copied');
    await responder.consume(q, (msg) => {
      if (msg === null) return;
      responder.sendToQueue(msg.properties.replyTo, Buffer.from('pong'), {
        correlationId: msg.properties.correlationId,
        headers: { traceparent: msg.properties.headers?.traceparent },
      });
      responder.ack(msg);
    });
    const { request, continuation } = await call(q);
    expect(continuation).toBe(request);
    await waitFor(() => tracing.spans().length === 2);
    const send = spanNamed(tracing.spans(), `send ${q}`);
    expect(isChildOf(send, request.spanContext())).toBe(true);
    expect(send.links).toEqual([]);
  });

  it('timeoutMs 0 waits for the reply (no timeout), and bad values warn and fall back', async () => {
    const q = await requestQueue('patient');
    const held: Array<() => void> = [];
    await responder.consume(q, (msg) => {
      if (msg === null) return;
      held.push(() => {
        responder.sendToQueue(msg.properties.replyTo, Buffer.from('pong'), {
          correlationId: msg.properties.correlationId,
        });
        responder.ack(msg);
      });
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      for (const bad of [-1, Number.NaN]) new DirectReplyToClient(caller, { timeoutMs: bad });
      await waitFor(() => warnings.length === 2);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([
      '@spanwise/amqplib: DirectReplyToClient timeoutMs -1 is not a number of ms from 0 (no timeout) to 2147483647; using 30000 instead',
      '@spanwise/amqplib: DirectReplyToClient timeoutMs NaN is not a number of ms from 0 (no timeout) to 2147483647; using 30000 instead',
    ]);
    const patient = new DirectReplyToClient(caller, { timeoutMs: 0 });
    const answer = patient.request(q, Buffer.from('ping'));
    await waitFor(() => held.length === 1);
    expect(patient.pendingCount).toBe(1);
    held[0]?.();
    expect((await answer).content.toString()).toBe('pong');
    expect(patient.pendingCount).toBe(0);
  });

  it('a responder sending Buffer headers: its context is read and linked', async () => {
    const q = await requestQueue('buffers');
    const responderSpanId = randomBytes(8).toString('hex');
    await responder.consume(q, (msg) => {
      if (msg === null) return;
      const incoming = String(msg.properties.headers?.traceparent);
      const traceId = incoming.split('-')[1];
      responder.sendToQueue(msg.properties.replyTo, Buffer.from('pong'), {
        correlationId: msg.properties.correlationId,
        headers: { traceparent: Buffer.from(`00-${traceId}-${responderSpanId}-01`) },
      });
      responder.ack(msg);
    });
    const { request, msg } = await call(q);
    expect(Buffer.isBuffer(msg.properties.headers?.traceparent)).toBe(true);
    expect(trace.getSpanContext(extractContext(msg))?.traceId).toBe(request.spanContext().traceId);
    await waitFor(() => tracing.spans().length === 2);
    const send = spanNamed(tracing.spans(), `send ${q}`);
    expect(send.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [request.spanContext().traceId, responderSpanId],
    ]);
  });

  it('times out with an ERROR span, ignores the late reply and leaves nothing pending', async () => {
    const q = await requestQueue('slow');
    const held: Array<() => void> = [];
    await responder.consume(q, (msg) => {
      if (msg === null) return;
      held.push(() => {
        responder.sendToQueue(msg.properties.replyTo, Buffer.from('late'), {
          correlationId: msg.properties.correlationId,
        });
        responder.ack(msg);
      });
    });
    const impatient = new DirectReplyToClient(caller, { timeoutMs: 100 });
    const lateBefore = impatient.lateReplies;
    const failure = await impatient.request(q, Buffer.from('ping')).catch((err: unknown) => err);
    expect(isReplyTimeoutError(failure)).toBe(true);
    expect(impatient.pendingCount).toBe(0);
    const send = spanNamed(tracing.spans(), `send ${q}`);
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.attributes['error.type']).toBe('ReplyTimeoutError');

    await waitFor(() => held.length === 1);
    held[0]?.();
    await waitFor(() => impatient.lateReplies === lateBefore + 1);
    expect(impatient.pendingCount).toBe(0);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('rejects waiting requests with ChannelClosedError when the channel closes, leaving nothing pending', async () => {
    const q = await requestQueue('closing');
    let delivered!: () => void;
    const arrived = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    await responder.consume(q, (msg) => {
      if (msg !== null) delivered();
    });
    const ch = await callerConn.createChannel();
    const doomed = new DirectReplyToClient(ch, { timeoutMs: 10_000 });
    const failure = doomed.request(q, Buffer.from('ping')).catch((err: unknown) => err);
    await arrived;
    expect(doomed.pendingCount).toBe(1);
    await ch.close();
    const err = await failure;
    expect(isAmqpTracingError(err)).toBe(true);
    expect((err as Error).name).toBe('ChannelClosedError');
    expect(doomed.pendingCount).toBe(0);
    const send = spanNamed(tracing.spans(), `send ${q}`);
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.attributes['error.type']).toBe('ChannelClosedError');
  });

  it('keeps 200 concurrent requests apart: each reply resumes in its own caller context', async () => {
    const q = await requestQueue('concurrent');
    await tracedConsume(responder, q, (msg) => {
      if (msg === null) return;
      const traceId = trace.getActiveSpan()?.spanContext().traceId ?? 'none';
      reply(responder, msg, Buffer.from(traceId));
      responder.ack(msg);
    });
    const results = await Promise.all(Array.from({ length: 200 }, () => call(q)));
    for (const { request, msg, continuation } of results) {
      expect(continuation).toBe(request);
      expect(msg.content.toString()).toBe(request.spanContext().traceId);
    }
    expect(client.pendingCount).toBe(0);
  });
});

function toNanos([seconds, nanos]: [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}
