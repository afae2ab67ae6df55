import { setImmediate as tick } from 'node:timers/promises';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpMessage, tracedConsume, tracedPublish, tracedSendToQueue } from '../src/index.js';
import { SettleTracker } from '../src/settle-tracker.js';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker, uniqueQueue } from './helpers/broker.js';
import { isChildOf, setupTracing, spanNamed, type TestTracing, waitFor } from './helpers/tracing.js';

const problem = probeBroker();

describe.skipIf(skipWithoutBroker(problem))('tracedSendToQueue -> tracedConsume on a real broker', () => {
  let tracing: TestTracing;
  let producer: ChannelModel;
  let consumer: ChannelModel;
  let pub: Channel;
  let sub: Channel;
  const queues: string[] = [];

  beforeAll(async () => {
    requireBroker(problem);
    tracing = setupTracing();
    producer = await amqp.connect(AMQP_URL);
    consumer = await amqp.connect(AMQP_URL);
    pub = await producer.createChannel();
    sub = await consumer.createChannel();
  });

  afterEach(() => {
    tracing.exporter.reset();
  });

  afterAll(async () => {
    const cleanup = await producer?.createChannel();
    for (const q of queues) await cleanup?.deleteQueue(q);
    await producer?.close();
    await consumer?.close();
    await tracing?.shutdown();
  });

  async function freshQueue(label: string, channel: Channel = sub): Promise<string> {
    const q = uniqueQueue(label);
    queues.push(q);
    await channel.assertQueue(q, { autoDelete: false });
    return q;
  }

  function sendInRequest(q: string, headers: Record<string, unknown>) {
    const tracer = trace.getTracer('test');
    const bag = propagation.createBaggage({ tenant: { value: 'acme' } });
    return tracer.startActiveSpan('request', {}, propagation.setBaggage(ROOT_CONTEXT, bag), (request) => {
      tracedSendToQueue(pub, q, Buffer.from('hello'), { headers, messageId: 'm-1' });
      request.end();
      return request;
    });
  }

  it('continues the trace across two connections, with baggage, for the whole async handler', async () => {
    const q = await freshQueue('plain');
    const seen: {
      traceId?: string | undefined;
      tenant?: string | undefined;
      afterAwait?: string | undefined;
    } = {};
    const handled = new Promise<void>((resolve) => {
      void tracedConsume(sub, q, async (msg) => {
        if (msg === null) return;
        seen.traceId = trace.getActiveSpan()?.spanContext().traceId;
        await tick();
        seen.tenant = propagation.getBaggage(context.active())?.getEntry('tenant')?.value;
        seen.afterAwait = trace.getActiveSpan()?.spanContext().traceId;
        sub.ack(msg);
        resolve();
      });
    });
    const headers = Object.freeze({ 'x-app': 'mine' });
    const request = sendInRequest(q, headers);
    await handled;
    await waitFor(() => tracing.spans().length === 3);

    const spans = tracing.spans();
    const publish = spanNamed(spans, `publish ${q}`);
    const process = spanNamed(spans, `process ${q}`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(isChildOf(publish, request.spanContext())).toBe(true);
    expect(isChildOf(process, publish)).toBe(true);
    expect(seen).toEqual({
      traceId: request.spanContext().traceId,
      tenant: 'acme',
      afterAwait: request.spanContext().traceId,
    });
    expect(headers).toEqual({ 'x-app': 'mine' });
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': q,
      'messaging.rabbitmq.destination.routing_key': q,
      'messaging.operation.type': 'send',
      'messaging.message.id': 'm-1',
      'server.address': '127.0.0.1',
      'server.port': 5672,
    });
    expect(process.attributes).toMatchObject({
      'messaging.destination.name': q,
      'messaging.destination.subscription.name': q,
      'messaging.operation.type': 'process',
      'messaging.message.id': 'm-1',
    });
  });

  it('a message routed through a named exchange: the exchange is the destination, the queue the subscription', async () => {
    const q = await freshQueue('routed');
    const exchange = uniqueQueue('orders-exchange');
    await sub.assertExchange(exchange, 'direct', { autoDelete: true });
    await sub.bindQueue(q, exchange, 'order.created');
    const handled = new Promise<void>((resolve) => {
      void tracedConsume(sub, q, (msg) => {
        if (msg === null) return;
        sub.ack(msg);
        resolve();
      });
    });
    tracedPublish(pub, exchange, 'order.created', Buffer.from('o'), { messageId: 'm-2' });
    await handled;
    await waitFor(() => tracing.spans().length === 2);
    const publish = spanNamed(tracing.spans(), `publish ${exchange}`);
    const process = spanNamed(tracing.spans(), `process ${q}`);
    expect(isChildOf(process, publish)).toBe(true);
    const routed = {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': 'order.created',
      'messaging.message.id': 'm-2',
      'server.address': '127.0.0.1',
      'server.port': 5672,
    };
    expect(publish.attributes).toEqual({
      ...routed,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
    });
    expect(process.attributes).toEqual({
      ...routed,
      'messaging.destination.subscription.name': q,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.rabbitmq.message.delivery_tag': expect.any(Number),
    });
    await sub.deleteExchange(exchange);
  });

  it('on a confirm channel the span ends on the broker ack and the callback runs in the caller context', async () => {
    const q = await freshQueue('confirm');
    const confirmCh = await producer.createConfirmChannel();
    const request = trace.getTracer('test').startSpan('request');
    const confirmed = await context.with(trace.setSpan(ROOT_CONTEXT, request), () => {
      const spansBefore = tracing.spans().length;
      return new Promise<{ err: unknown; active: unknown; endedBefore: boolean }>((resolve) => {
        tracedSendToQueue(confirmCh, q, Buffer.from('c'), {}, (err) => {
          resolve({ err, active: trace.getActiveSpan(), endedBefore: tracing.spans().length > spansBefore });
        });
      });
    });
    request.end();
    expect(confirmed).toEqual({ err: null, active: request, endedBefore: true });
    const publish = spanNamed(tracing.spans(), `publish ${q}`);
    expect(isChildOf(publish, request.spanContext())).toBe(true);
    expect(publish.status.code).toBe(SpanStatusCode.UNSET);
    await confirmCh.close();
  });

  it('link mode starts a new trace linked to the producer span and keeps the baggage', async () => {
    const q = await freshQueue('links');
    let tenant: string | undefined;
    const handled = new Promise<void>((resolve) => {
      void tracedConsume(
        sub,
        q,
        (msg) => {
          if (msg === null) return;
          tenant = propagation.getBaggage(context.active())?.getEntry('tenant')?.value;
          sub.ack(msg);
          resolve();
        },
        { useLinks: true },
      );
    });
    const request = sendInRequest(q, {});
    await handled;
    await waitFor(() => tracing.spans().length === 3);
    const publish = spanNamed(tracing.spans(), `publish ${q}`);
    const process = spanNamed(tracing.spans(), `process ${q}`);
    expect(process.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(process.parentSpanContext).toBeUndefined();
    expect(process.links.map((l) => l.context.spanId)).toEqual([publish.spanContext().spanId]);
    expect(tenant).toBe('acme');
  });

  it('ends spans on ack of a rebuilt message, nack, nackAll and channel close, and leaks nothing', async () => {
    const ch = await consumer.createChannel();
    const q = await freshQueue('settle', ch);
    const received: AmqpMessage[] = [];
    await tracedConsume(ch, q, (msg) => {
      if (msg !== null) received.push(msg);
    });
    for (let i = 0; i < 5; i++) tracedSendToQueue(pub, q, Buffer.from(String(i)));
    await waitFor(() => received.length === 5);
    const tracker = SettleTracker.for(ch);
    expect(tracker.size).toBe(5);

    const [m0, m1] = received as [AmqpMessage, AmqpMessage];
    ch.ack({ ...m0, fields: { ...m0.fields } } as never);
    ch.nack(m1 as never, false, false);
    ch.nackAll(true);
    await waitFor(
      () => tracker.size === 0 && tracing.spans().filter((s) => s.kind === SpanKind.CONSUMER).length === 5,
    );
    const consumerSpans = tracing.spans().filter((s) => s.kind === SpanKind.CONSUMER);
    const byBody = new Map(
      consumerSpans.map((s) => [s.attributes['messaging.rabbitmq.message.delivery_tag'], s] as const),
    );
    expect(byBody.get(m0.fields.deliveryTag)?.status.code).toBe(SpanStatusCode.UNSET);
    expect(byBody.get(m1.fields.deliveryTag)?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'nack called on message without requeue',
    });
    expect(
      consumerSpans.filter((s) => s.status.message === 'nackAll called on message with requeue'),
    ).toHaveLength(3);

    // The requeued messages come back; closing the channel ends their spans.
    received.length = 0;
    await waitFor(() => received.length === 3);
    tracing.exporter.reset();
    await ch.close();
    expect(tracker.size).toBe(0);
    const closed = tracing.spans().filter((s) => s.kind === SpanKind.CONSUMER);
    expect(closed.map((s) => [s.status.code, s.attributes['error.type']])).toEqual([
      [SpanStatusCode.ERROR, 'channel_closed'],
      [SpanStatusCode.ERROR, 'channel_closed'],
      [SpanStatusCode.ERROR, 'channel_closed'],
    ]);
  });

  it('ends and flags a span whose message is never settled', async () => {
    const ch = await consumer.createChannel();
    const q = await freshQueue('forgotten', ch);
    let got = false;
    await tracedConsume(
      ch,
      q,
      () => {
        got = true;
      },
      { settleTimeoutMs: 50 },
    );
    tracedSendToQueue(pub, q, Buffer.from('x'));
    await waitFor(() => got && tracing.spans().some((s) => s.kind === SpanKind.CONSUMER));
    const span = spanNamed(tracing.spans(), `process ${q}`);
    expect(span.attributes['spanwise.amqp.settle_timeout']).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(SettleTracker.for(ch).size).toBe(0);
    await ch.close();
  });

  it('with noAck the span ends when the async handler finishes, and records its error', async () => {
    const q = await freshQueue('noack');
    let finishHandler: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      void tracedConsume(
        sub,
        q,
        async () => {
          resolve();
          await new Promise<void>((r) => {
            finishHandler = r;
          });
          throw new TypeError('handler failed');
        },
        { consume: { noAck: true } },
      );
    });
    const rejections: unknown[] = [];
    const onRejection = (err: unknown) => rejections.push(err);
    process.on('unhandledRejection', onRejection);
    tracedSendToQueue(pub, q, Buffer.from('x'));
    await started;
    await tick();
    expect(tracing.spans().some((s) => s.kind === SpanKind.CONSUMER)).toBe(false);
    finishHandler();
    await waitFor(() => tracing.spans().some((s) => s.kind === SpanKind.CONSUMER) && rejections.length === 1);
    process.off('unhandledRejection', onRejection);
    const span = spanNamed(tracing.spans(), `process ${q}`);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('TypeError');
  });
});
