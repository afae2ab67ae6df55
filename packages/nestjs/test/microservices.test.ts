import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientRMQ, ClientTCP, RmqRecordBuilder, Transport } from '@nestjs/microservices';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMQP_URL,
  probeBroker,
  requireBroker,
  skipWithoutBroker,
  uniqueQueue,
} from '../../../test/support/broker.js';
import { propagateContext } from '../src/index.js';
import { EventLog, RPC_WORK_MS, RpcAppModule } from './fixtures/rpc-app.js';
import { durationMs, isChildOf, setupTracing } from './support/otel.js';

const tracing = setupTracing();
const caller = trace.getTracer('caller');

describe('TCP microservice', () => {
  let server: INestMicroservice;
  let client: ClientTCP;

  beforeAll(async () => {
    server = await NestFactory.createMicroservice(RpcAppModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: 0 },
      logger: false,
    });
    await server.listen();
    const address = server.unwrap<{ address(): { port: number } }>().address();
    client = new ClientTCP({ host: '127.0.0.1', port: address.port });
    expect(propagateContext(client)).toBe(true);
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('parents the @MessagePattern span to the caller and covers its Observable', async () => {
    tracing.reset();
    const reply = await caller.startActiveSpan('caller', async (span) => {
      try {
        return await lastValueFrom(client.send<{ sum: number; traceId: string }>('sum', [1, 2, 3]));
      } finally {
        span.end();
      }
    });
    const callerSpan = tracing.one('caller');
    const handler = tracing.one('MathController.sum');
    expect(reply).toEqual({ sum: 6, traceId: callerSpan.spanContext().traceId });
    expect(isChildOf(handler, callerSpan)).toBe(true);
    expect(handler.kind).toBe(SpanKind.SERVER);
    expect(handler.attributes['nestjs.pattern']).toBe('sum');
    expect(durationMs(handler)).toBeGreaterThanOrEqual(RPC_WORK_MS - 5);
  });

  it('gives an @EventPattern handler a CONSUMER span in the emitter trace', async () => {
    tracing.reset();
    const received = server.get(EventLog).next();
    const ended = tracing.ended('MathController.audit');
    await caller.startActiveSpan('emitter', async (span) => {
      await firstValueFrom(client.emit('audit', 'hello'), { defaultValue: undefined });
      span.end();
    });
    const event = await received;
    const handler = await ended;
    const emitter = tracing.one('emitter');
    expect(event).toEqual({ text: 'hello', traceId: emitter.spanContext().traceId });
    expect(isChildOf(handler, emitter)).toBe(true);
    expect(handler.kind).toBe(SpanKind.CONSUMER);
  });
});

const brokerProblem = probeBroker();

describe.skipIf(skipWithoutBroker(brokerProblem))('RabbitMQ microservice', () => {
  const queue = uniqueQueue('nestjs-rmq');
  let server: INestMicroservice;
  let client: ClientRMQ;

  beforeAll(async () => {
    requireBroker(brokerProblem);
    const options = { urls: [AMQP_URL], queue, queueOptions: { durable: false, autoDelete: true } };
    server = await NestFactory.createMicroservice(RpcAppModule, {
      transport: Transport.RMQ,
      options,
      logger: false,
    });
    await server.listen();
    client = new ClientRMQ(options);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  /** The caller side: what @spanwise/amqplib's client glue does, by hand (this package never depends on it). */
  function withTraceHeaders<T>(data: T): unknown {
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    return new RmqRecordBuilder(data).setOptions({ headers }).build();
  }

  it('parents the handler span to the context in properties.headers and covers its Observable', async () => {
    tracing.reset();
    const reply = await caller.startActiveSpan('rmq-caller', async (span) => {
      try {
        return await lastValueFrom(
          client.send<{ sum: number; traceId: string }>('sum', withTraceHeaders([4, 5])),
        );
      } finally {
        span.end();
      }
    });
    const callerSpan = tracing.one('rmq-caller');
    const handler = tracing.one('MathController.sum');
    expect(reply).toEqual({ sum: 9, traceId: callerSpan.spanContext().traceId });
    expect(isChildOf(handler, callerSpan)).toBe(true);
    expect(durationMs(handler)).toBeGreaterThanOrEqual(RPC_WORK_MS - 5);
  });

  it('parents an event handler to the emitter', async () => {
    tracing.reset();
    const received = server.get(EventLog).next();
    const ended = tracing.ended('MathController.audit');
    await caller.startActiveSpan('rmq-emitter', async (span) => {
      await firstValueFrom(client.emit('audit', withTraceHeaders('over rabbit')), {
        defaultValue: undefined,
      });
      span.end();
    });
    const event = await received;
    const handler = await ended;
    expect(event.text).toBe('over rabbit');
    expect(isChildOf(handler, tracing.one('rmq-emitter'))).toBe(true);
  });
});
