// Fastify request-handler spans in process, on a real Fastify app over real HTTP: naming, parenting, the
// handler span active through async work, errors by reply status, and the fallback without the storage.
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rememberContextStorage } from '../src/context-storage.js';
import { FastifyHandlerInstrumentation } from '../src/instrumentations/fastify-handler-instrumentation.js';
import { HttpServerInstrumentation } from '../src/instrumentations/http-server/http-server-instrumentation.js';

const ended: ReadableSpan[] = [];
const collector: SpanProcessor = {
  onStart() {},
  onEnd: (span) => ended.push(span),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const provider = new TracerProvider({ spanProcessors: [collector] });
const manager = new AsyncLocalStorageContextManager();
const server = new HttpServerInstrumentation();
let app: FastifyInstance;
let base: string;

async function until(names: string[]): Promise<void> {
  while (!names.every((name) => ended.some((s) => s.name === name)))
    await new Promise((r) => setTimeout(r, 5));
}

function named(name: string): ReadableSpan {
  return ended.find((s) => s.name === name)!;
}

beforeAll(async () => {
  context.setGlobalContextManager(manager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  server.setTracerProvider(provider);
  server.enable();
  app = Fastify();
  app.get('/users/:id', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    provider.getTracer('app').startSpan('load user').end();
    return { id: (request.params as { id: string }).id };
  });
  app.get('/sync', (_request, reply) => {
    reply.send('ok');
  });
  app.get('/missing', async (_request, reply) => {
    reply.code(404);
    throw new Error('no such thing');
  });
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
  server.disable();
  context.disable();
  propagation.disable();
});

afterEach(() => {
  ended.length = 0;
});

describe('FastifyHandlerInstrumentation', () => {
  const fastify = new FastifyHandlerInstrumentation();

  beforeAll(() => {
    rememberContextStorage(manager);
    fastify.setTracerProvider(provider);
    fastify.enable();
  });
  afterAll(() => fastify.disable());

  it('names the handler span after the route, under the server span, active through async work', async () => {
    await fetch(`${base}/users/7`);
    await until(['GET /users/:id', 'request handler - /users/:id', 'load user']);
    const handler = named('request handler - /users/:id');
    expect(handler.parentSpanContext?.spanId).toBe(named('GET /users/:id').spanContext().spanId);
    expect(handler.attributes).toMatchObject({
      'http.route': '/users/:id',
      'fastify.type': 'request_handler',
    });
    expect(handler.duration[1] / 1e6 + handler.duration[0] * 1e3).toBeGreaterThanOrEqual(4);
    expect(named('load user').parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
  });

  it('ends the span of a synchronous handler', async () => {
    await fetch(`${base}/sync`);
    await until(['request handler - /sync', 'GET /sync']);
    expect(named('request handler - /sync').ended).toBe(true);
  });

  it('records a handler error, and calls it an error only for a 5xx reply', async () => {
    expect((await fetch(`${base}/missing`)).status).toBe(404);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    await until(['request handler - /missing', 'request handler - /boom']);
    const missing = named('request handler - /missing');
    expect(missing.events.map((e) => e.name)).toEqual(['exception']);
    expect(missing.status.code).toBe(SpanStatusCode.UNSET);
    expect(named('request handler - /boom').status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: 'boom',
    });
  });
});

describe('FastifyHandlerInstrumentation without the context storage', () => {
  it('still records the handler span, only not as the active one', async () => {
    rememberContextStorage({} as never);
    const fastify = new FastifyHandlerInstrumentation();
    fastify.setTracerProvider(provider);
    fastify.enable();
    await fetch(`${base}/users/8`);
    await until(['request handler - /users/:id', 'load user']);
    fastify.disable();
    const handler = named('request handler - /users/:id');
    expect(handler.parentSpanContext?.spanId).toBe(named('GET /users/:id').spanContext().spanId);
    expect(named('load user').parentSpanContext?.spanId).not.toBe(handler.spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
