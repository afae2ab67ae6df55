// Spanwise's own HTTP server spans, on real servers and real sockets: attributes, trace continuation, the
// request context through body listeners, route naming from the RPC metadata, errors, aborts, and undo.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage as Incoming,
  IncomingMessage,
  type Server,
  ServerResponse,
} from 'node:http';
import {
  createServer as createHttpsServer,
  type RequestOptions as HttpsRequestOptions,
  request as httpsRequest,
} from 'node:https';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, W3CTraceContextPropagator } from '@opentelemetry/core';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpServerInstrumentation } from '../src/instrumentations/http-server/http-server-instrumentation.js';

const ended: ReadableSpan[] = [];
const waiters: (() => void)[] = [];
const collector: SpanProcessor = {
  onStart() {},
  onEnd(span) {
    ended.push(span);
    for (const wake of waiters.splice(0)) wake();
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const instrumentation = new HttpServerInstrumentation();
const tls = join(__dirname, '../../../test/fixtures/export/tls');

async function nextSpan(): Promise<ReadableSpan> {
  while (ended.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
  return ended.shift()!;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function send(options: HttpsRequestOptions & { body?: string; tls?: boolean }): Promise<Incoming> {
  return new Promise((resolve, reject) => {
    const make = options.tls === true ? httpsRequest : httpRequest;
    const req = make({ host: '127.0.0.1', ...options }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  instrumentation.setTracerProvider(new TracerProvider({ spanProcessors: [collector] }));
  instrumentation.enable();
});

afterAll(() => {
  instrumentation.disable();
  context.disable();
  propagation.disable();
});

afterEach(() => {
  ended.length = 0;
});

describe('HttpServerInstrumentation', () => {
  it('records the stable HTTP server attributes, with credentials in the query redacted', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    const port = await listen(server);
    await send({
      port,
      path: '/items/7?id=7&sig=secret',
      headers: { 'user-agent': 'probe/1.0', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' },
    });
    const span = await nextSpan();
    server.close();
    expect(span.name).toBe('GET');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/items/7',
      'url.query': 'id=7&sig=REDACTED',
      'server.address': '127.0.0.1',
      'server.port': port,
      'client.address': '203.0.113.9',
      'network.peer.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'probe/1.0',
      'http.response.status_code': 200,
    });
  });

  it('continues the trace of an incoming traceparent', async () => {
    const server = createHttpServer((_req, res) => res.end());
    const port = await listen(server);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await send({ port, path: '/', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const span = await nextSpan();
    server.close();
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
  });

  it('runs body listeners, and what they schedule, in the request context', async () => {
    const seen: (string | undefined)[] = [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
        setTimeout(() => {
          seen.push(trace.getActiveSpan()?.spanContext().spanId);
          res.end(body);
        }, 1);
      });
    });
    const port = await listen(server);
    await send({ port, method: 'POST', path: '/orders', body: JSON.stringify({ sku: 'A-1' }) });
    const span = await nextSpan();
    server.close();
    expect(seen).toEqual([span.spanContext().spanId, span.spanContext().spanId]);
  });

  it('runs a response listener the handler adds in the request context, once', async () => {
    const seen: (string | undefined)[] = [];
    const server = createHttpServer((_req, res) => {
      const listener = (): void => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
      };
      res.once('finish', listener);
      res.prependListener('close', listener);
      res.on('close', listener);
      res.removeListener('close', listener);
      res.end('ok');
    });
    const port = await listen(server);
    await send({ port, path: '/' });
    const span = await nextSpan();
    server.close();
    const id = span.spanContext().spanId;
    expect(seen).toEqual([id, id]);
  });

  it('enters the request context once for a request whose handler adds no listener', async () => {
    // Node's own listeners (its finish handler) and Spanwise's close listener need no context: entering it
    // for each of their events cost about 4 µs a request.
    const entered: unknown[] = [];
    const original = contextManager.with;
    contextManager.with = function (this: typeof contextManager, ...args: Parameters<typeof original>) {
      entered.push(args[0]);
      return original.apply(this, args);
    } as typeof original;
    try {
      const server = createHttpServer((_req, res) => res.end('ok'));
      const port = await listen(server);
      await send({ port, path: '/' });
      await nextSpan();
      server.close();
    } finally {
      contextManager.with = original;
    }
    expect(entered).toHaveLength(1);
  });

  it('gives the request, and the contexts derived from it, no function-valued own properties', async () => {
    // ROOT_CONTEXT's contexts carry three closures each, which V8 allocates in the old generation, keeping
    // every context and its span alive through young-generation GCs (see lean-context.ts).
    const ownFunctions: string[][] = [];
    const server = createHttpServer((_req, res) => {
      const request = context.active();
      const child = trace.setSpan(request, trace.getTracer('t').startSpan('child'));
      for (const ctx of [request, child]) {
        ownFunctions.push(Object.keys(ctx).filter((key) => typeof Reflect.get(ctx, key) === 'function'));
      }
      res.end();
    });
    const port = await listen(server);
    await send({ port, path: '/' });
    await nextSpan();
    server.close();
    expect(ownFunctions).toEqual([[], []]);
  });

  it('names the span after the route a framework records, and marks 5xx as errors', async () => {
    const server = createHttpServer((_req, res) => {
      const metadata = getRPCMetadata(context.active());
      if (metadata !== undefined) metadata.route = '/items/:id';
      res.statusCode = 503;
      res.end();
    });
    const port = await listen(server);
    await send({ port, path: '/items/42' });
    const span = await nextSpan();
    server.close();
    expect(span.name).toBe('GET /items/:id');
    expect(span.attributes['http.route']).toBe('/items/:id');
    expect(span.attributes['error.type']).toBe('503');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('leaves 4xx unset and names an unknown method HTTP', async () => {
    const server = createHttpServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const port = await listen(server);
    await send({ port, method: 'PURGE', path: '/cache' });
    const span = await nextSpan();
    server.close();
    expect(span.name).toBe('HTTP');
    expect(span.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
      'http.response.status_code': 404,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends the span of a request the client abandons, without a status code', async () => {
    const server = createHttpServer(() => {});
    const port = await listen(server);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
    req.on('error', () => {});
    req.end();
    await new Promise((resolve) => server.once('request', resolve));
    req.destroy();
    const span = await nextSpan();
    server.close();
    expect(span.attributes['http.response.status_code']).toBeUndefined();
    expect(span.attributes['error.type']).toBe('aborted');
  });

  it('records, ends and rethrows an error thrown by the request listener', () => {
    const server = createHttpServer(() => {
      throw new TypeError('boom');
    });
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/';
    const res = new ServerResponse(req);
    expect(() => server.emit('request', req, res)).toThrow('boom');
    const span = ended.shift()!;
    expect(span.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('traces https servers as url.scheme https', async () => {
    const server = createHttpsServer(
      { key: readFileSync(join(tls, 'server.key')), cert: readFileSync(join(tls, 'server.pem')) },
      (_req, res) => res.end(),
    );
    const port = await listen(server as unknown as Server);
    await send({
      port,
      path: '/secure',
      tls: true,
      ca: readFileSync(join(tls, 'ca.pem')),
      servername: 'localhost',
    });
    const span = await nextSpan();
    server.close();
    expect(span.attributes['url.scheme']).toBe('https');
  });

  it('leaves non-request events and other emitters alone', () => {
    const emitter = new EventEmitter();
    let got: unknown;
    emitter.on('request', (value) => {
      got = value;
    });
    emitter.emit('request', 'plain');
    expect(got).toBe('plain');
    expect(ended).toHaveLength(0);
  });
});

describe('HttpServerInstrumentation.disable', () => {
  it('restores the prototypes it patched', async () => {
    const local = new HttpServerInstrumentation();
    const methods = ['emit', 'on', 'addListener', 'prependListener'] as const;
    const own = (prototype: object) => methods.map((m) => Object.hasOwn(prototype, m));
    const before = {
      request: methods.map((m) => IncomingMessage.prototype[m]),
      response: methods.map((m) => ServerResponse.prototype[m]),
      requestOwn: own(IncomingMessage.prototype),
      responseOwn: own(ServerResponse.prototype),
    };
    local.enable();
    expect(IncomingMessage.prototype.emit).not.toBe(before.request[0]);
    expect(ServerResponse.prototype.on).not.toBe(before.response[1]);
    local.disable();
    expect(methods.map((m) => IncomingMessage.prototype[m])).toEqual(before.request);
    expect(methods.map((m) => ServerResponse.prototype[m])).toEqual(before.response);
    expect(own(IncomingMessage.prototype)).toEqual(before.requestOwn);
    expect(own(ServerResponse.prototype)).toEqual(before.responseOwn);
    expect(local.getConfig().enabled).toBe(false);
  });
});
