import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_EXPECTED_ERROR } from '../src/index.js';
import { HttpAppModule, WORK_MS } from './fixtures/http-app.js';
import { durationMs, isChildOf, setupTracing } from './support/otel.js';

const tracing = setupTracing({ http: true, nestInstrumentation: true });

const adapters = {
  express: () => new ExpressAdapter(),
  fastify: () => new FastifyAdapter(),
};

describe.each(Object.keys(adapters) as (keyof typeof adapters)[])('HTTP on %s', (adapter) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(HttpAppModule, adapters[adapter](), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  /** Sends a request and waits until the server span has ended. */
  async function request(
    path: string,
    serverSpan: string,
    init?: RequestInit,
  ): Promise<{ response: Response; server: ReadableSpan; body: string }> {
    tracing.reset();
    const ended = tracing.ended(serverSpan);
    const response = await fetch(`${base}${path}`, init);
    const body = await response.text();
    return { response, body, server: await ended };
  }

  it('names the server span after the route template and parents the handler span to it', async () => {
    const { response, body, server } = await request('/cats/7', 'GET /cats/:id');
    expect(response.status).toBe(200);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes['http.route']).toBe('/cats/:id');
    const handler = tracing.one('cats.byId');
    expect(isChildOf(handler, server)).toBe(true);
    expect(handler.attributes['http.route']).toBe('/cats/:id');
    expect(handler.attributes['cat.id']).toBe(7);
    const service = tracing.one('CatsService.find');
    expect(isChildOf(service, handler)).toBe(true);
    expect(JSON.parse(body)).toEqual({ id: 7, traceId: server.spanContext().traceId });
  });

  it('gives a method traced by class and method decorator exactly one span, next to the Nest instrumentation', async () => {
    await request('/cats/7', 'GET /cats/:id');
    expect(tracing.named('CatsController.find')).toHaveLength(0);
    expect(tracing.named('cats.byId')).toHaveLength(1);
    expect(
      tracing
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['CatsService.find', 'GET /cats/:id', 'cats.byId']);
  });

  it('keeps SetMetadata roles for guards: a forbidden request still gets 403', async () => {
    const denied = await request('/cats/admin/1', 'GET /cats/admin/:id');
    expect(denied.response.status).toBe(403);
    expect(denied.server.attributes['http.route']).toBe('/cats/admin/:id');
    const allowed = await request('/cats/admin/1', 'GET /cats/admin/:id', { headers: { 'x-role': 'admin' } });
    expect(allowed.response.status).toBe(200);
    expect(JSON.parse(allowed.body)).toEqual({ id: 1, admin: true });
  });

  it('runs pipes: a bad parameter is a 400 on the route, and the handler that never ran has no span', async () => {
    const { response, server } = await request('/cats/admin/abc', 'GET /cats/admin/:id', {
      headers: { 'x-role': 'admin' },
    });
    expect(response.status).toBe(400);
    expect(server.attributes['http.route']).toBe('/cats/admin/:id');
    expect(server.attributes['http.response.status_code']).toBe(400);
    expect(tracing.named('CatsController.admin')).toHaveLength(0);
  });

  it('runs interceptors and exception filters', async () => {
    const wrapped = await request('/cats/wrapped', 'GET /cats/wrapped');
    expect(JSON.parse(wrapped.body)).toEqual({ data: 'inside' });
    const teapot = await request('/cats/teapot', 'GET /cats/teapot');
    expect(teapot.response.status).toBe(418);
    expect(JSON.parse(teapot.body)).toEqual({ teapot: true });
    expect(tracing.one('CatsController.teapot').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('marks a 500 as ERROR and a 404 HttpException as expected', async () => {
    const boom = await request('/cats/boom', 'GET /cats/boom');
    expect(boom.response.status).toBe(500);
    expect(tracing.one('CatsController.boom').status.code).toBe(SpanStatusCode.ERROR);
    const missing = await request('/cats/missing', 'GET /cats/missing');
    expect(missing.response.status).toBe(404);
    const span = tracing.one('CatsController.missing');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes[ATTR_EXPECTED_ERROR]).toBe(true);
    expect(span.events[0]?.name).toBe('exception');
  });

  it('covers an Observable handler until it completes', async () => {
    const { body } = await request('/cats/slow', 'GET /cats/slow');
    expect(JSON.parse(body)).toEqual({ slow: true });
    expect(durationMs(tracing.one('CatsController.slow'))).toBeGreaterThanOrEqual(WORK_MS - 5);
  });

  it('covers an async iterator and a thenable', async () => {
    const names = await request('/cats/names', 'GET /cats/names');
    expect(JSON.parse(names.body)).toEqual(['tom', 'felix']);
    const iterator = tracing.one('CatsService.names');
    expect(durationMs(iterator)).toBeGreaterThanOrEqual(WORK_MS - 5);
    expect(isChildOf(iterator, tracing.one('CatsController.names'))).toBe(true);
    const lazy = await request('/cats/lazy', 'GET /cats/lazy');
    expect(lazy.body).toBe('lazy');
    expect(durationMs(tracing.one('CatsService.lazy'))).toBeGreaterThanOrEqual(WORK_MS - 5);
  });

  it('leaves @NoTrace methods untraced', async () => {
    const { body } = await request('/cats/count', 'GET /cats/count');
    expect(body).toBe('2');
    expect(tracing.named('CatsService.count')).toHaveLength(0);
    expect(tracing.named('CatsController.count')).toHaveLength(1);
  });

  it('covers a StreamableFile until the last chunk is sent', async () => {
    const { body } = await request('/cats/file', 'GET /cats/file');
    expect(body).toBe('one,two,three');
    expect(durationMs(tracing.one('CatsController.file'))).toBeGreaterThanOrEqual(WORK_MS - 5);
  });

  it('covers a server-sent event stream until its last event', async () => {
    const { response, body } = await request('/cats/events', 'GET /cats/events');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(body.match(/^data: /gm)).toHaveLength(3);
    const handler = tracing.one('CatsController.events');
    expect(durationMs(handler)).toBeGreaterThanOrEqual(WORK_MS - 5);
  });
});
