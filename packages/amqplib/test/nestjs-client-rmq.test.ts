import 'reflect-metadata';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  MessagePattern,
  Payload,
  type RmqContext,
  Transport,
} from '@nestjs/microservices';
import { type Span, SpanKind, trace } from '@opentelemetry/api';
import amqp from 'amqplib';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../src/index.js';
import { TracedClientRMQ, TracedServerRMQ } from '../src/nestjs/index.js';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker, uniqueQueue } from './helpers/broker.js';
import { isChildOf, setupTracing, type TestTracing, waitFor } from './helpers/tracing.js';

/** The broker socket the client is connected to, as `server.address`/`server.port`. */
const BROKER = {
  'server.address': new URL(AMQP_URL).hostname,
  'server.port': Number(new URL(AMQP_URL).port || 5672),
};

const problem = probeBroker();
const REQUESTS = 1000;

/** What the server saw: the trace id carried by the message headers. */
function carriedTraceId(ctx: RmqContext): string | undefined {
  return trace.getSpanContext(extractContext(ctx.getMessage()))?.traceId;
}

const events: Array<string | undefined> = [];
/** The server's noAck setting for the suite running; with noAck false the handlers ack themselves. */
let serverNoAck = true;

function settle(ctx: RmqContext): void {
  if (!serverNoAck) ctx.getChannelRef().ack(ctx.getMessage());
}

@Controller()
class EchoController {
  @MessagePattern('trace-id')
  async traceId(@Payload() _data: unknown, @Ctx() ctx: RmqContext): Promise<string | undefined> {
    await new Promise((resolve) => setImmediate(resolve));
    settle(ctx);
    return carriedTraceId(ctx);
  }

  @EventPattern('audit')
  // EventPattern types extra handler arguments as unknown.
  audit(@Payload() _data: unknown, @Ctx() ctx: unknown): void {
    events.push(carriedTraceId(ctx as RmqContext));
    settle(ctx as RmqContext);
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const servers = [
  { noAck: true, strategy: 'ServerRMQ' },
  { noAck: false, strategy: 'ServerRMQ' },
  { noAck: true, strategy: 'TracedServerRMQ' },
  { noAck: false, strategy: 'TracedServerRMQ' },
] as const;

describe.skipIf(skipWithoutBroker(problem)).each(servers)(
  'TracedClientRMQ -> $strategy (noAck $noAck)',
  ({ noAck, strategy }) => {
    let tracing: TestTracing;
    let server: INestMicroservice;
    let client: TracedClientRMQ;
    const queue = uniqueQueue(`nest-${strategy}-${noAck}`);

    beforeAll(async () => {
      requireBroker(problem);
      tracing = setupTracing();
      serverNoAck = noAck;
      const options = { urls: [AMQP_URL], queue, noAck, prefetchCount: 50, queueOptions: { durable: false } };
      server = await NestFactory.createMicroservice(
        EchoModule,
        strategy === 'TracedServerRMQ'
          ? { strategy: new TracedServerRMQ(options), logger: false }
          : { transport: Transport.RMQ, options, logger: false },
      );
      await server.listen();
      client = new TracedClientRMQ({ urls: [AMQP_URL], queue, queueOptions: { durable: false } });
    });

    afterEach(() => {
      tracing.exporter.reset();
    });

    afterAll(async () => {
      await client?.close();
      await server?.close();
      const conn = await amqp.connect(AMQP_URL);
      await (await conn.createChannel()).deleteQueue(queue);
      await conn.close();
      await tracing?.shutdown();
    });

    function inRequest<T>(label: string, fn: (span: Span) => Promise<T>): Promise<T> {
      return trace.getTracer('test').startActiveSpan(label, async (span) => {
        try {
          return await fn(span);
        } finally {
          span.end();
        }
      });
    }

    it(`keeps ${REQUESTS} concurrent RPCs apart: headers, CLIENT spans and subscriber callbacks`, async () => {
      const outcomes = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          inRequest(
            `request ${i}`,
            (span) =>
              new Promise<{ span: Span; reply: string; callbackSpan: Span | undefined }>(
                (resolve, reject) => {
                  client.send<string>('trace-id', { i }).subscribe({
                    next: (reply) => resolve({ span, reply, callbackSpan: trace.getActiveSpan() }),
                    error: reject,
                  });
                },
              ),
          ),
        ),
      );
      for (const { span, reply, callbackSpan } of outcomes) {
        expect(reply).toBe(span.spanContext().traceId);
        expect(callbackSpan).toBe(span);
      }
      const expectedReplies = strategy === 'TracedServerRMQ' ? REQUESTS : 0;
      // A reply's PRODUCER span ends on the broker's confirm, which may come after the caller got the reply.
      await waitFor(
        () =>
          tracing.spans().filter((s) => s.kind === SpanKind.CLIENT).length === REQUESTS &&
          tracing.spans().filter((s) => s.name === 'publish (temporary)').length === expectedReplies,
      );
      const clientSpans = tracing.spans().filter((s) => s.kind === SpanKind.CLIENT);
      const replies = new Map(
        tracing
          .spans()
          .filter((s) => s.name === 'publish (temporary)')
          .map((s) => [s.spanContext().spanId, s]),
      );
      // TracedServerRMQ publishes each reply under a span of the caller's trace, and the CLIENT span links to it;
      // Nest's own ServerRMQ sends replies without headers, so there is nothing to link.
      expect(replies.size).toBe(expectedReplies);
      for (const span of clientSpans) {
        const linked = span.links.map((l) => replies.get(l.context.spanId));
        expect(linked.length).toBe(strategy === 'TracedServerRMQ' ? 1 : 0);
        for (const reply of linked) expect(reply?.spanContext().traceId).toBe(span.spanContext().traceId);
      }
      const requestSpans = new Map(outcomes.map(({ span }) => [span.spanContext().spanId, span]));
      for (const span of clientSpans) {
        expect(span.name).toBe(`send ${queue}`);
        expect(span.attributes['messaging.nestjs.pattern']).toBe('trace-id');
        expect(span.attributes).toMatchObject(BROKER);
        const parent = requestSpans.get(span.parentSpanContext?.spanId ?? '');
        expect(parent && isChildOf(span, parent.spanContext())).toBe(true);
      }
      expect(new Set(clientSpans.map((s) => s.parentSpanContext?.spanId)).size).toBe(REQUESTS);
      // Every round trip's bookkeeping is gone once its reply arrived.
      expect((client as unknown as { inFlight: Map<string, unknown> }).inFlight.size).toBe(0);
    });

    it('emit gets a PRODUCER span whose context reaches the event handler', async () => {
      events.length = 0;
      const request = await inRequest('emit', async (span) => {
        await firstValueFrom(client.emit('audit', { ok: true }), { defaultValue: undefined });
        return span;
      });
      await waitFor(() => events.length === 1);
      expect(events).toEqual([request.spanContext().traceId]);
      const producer = tracing.spans().find((s) => s.name === `publish ${queue}`);
      expect(producer?.kind).toBe(SpanKind.PRODUCER);
      expect(producer && isChildOf(producer, request.spanContext())).toBe(true);
      expect(producer?.attributes).toMatchObject(BROKER);
    });
  },
);
