import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, Module, Param, VersioningType } from '@nestjs/common';
import { ApplicationConfig, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracingModule } from '../src/index.js';
import { isChildOf, setupTracing } from './support/otel.js';

const tracing = setupTracing({ http: true });

@Controller({ path: 'items', version: '2' })
class ItemsController {
  @Get([':id', 'by-id/:id'])
  get(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({ imports: [TracingModule.forRoot()], controllers: [ItemsController] })
class ItemsModule {}

@Controller('quiet')
class QuietController {
  @Get(':id')
  get(@Param('id') id: string): string {
    return id;
  }
}

@Module({ imports: [TracingModule.forRoot({ handlerSpans: false })], controllers: [QuietController] })
class QuietModule {}

const adapters = {
  express: () => new ExpressAdapter(),
  fastify: () => new FastifyAdapter(),
};

async function start(module: object, adapter: keyof typeof adapters): Promise<[INestApplication, string]> {
  const app = await NestFactory.create(module, adapters[adapter](), { logger: false });
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI });
  await app.listen(0, '127.0.0.1');
  return [app, `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`];
}

async function get(url: string, serverSpan: string): Promise<ReadableSpan> {
  tracing.reset();
  const ended = tracing.ended(serverSpan);
  const response = await fetch(url);
  expect(response.status).toBe(200);
  await response.text();
  return ended;
}

describe.each(Object.keys(adapters) as (keyof typeof adapters)[])('route handler spans on %s', (adapter) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    [app, base] = await start(ItemsModule, adapter);
  });

  afterAll(async () => {
    await app.close();
  });

  it('names each route with its global prefix and version, for every path of a handler', async () => {
    for (const [path, route] of [
      ['/api/v2/items/5', '/api/v2/items/:id'],
      ['/api/v2/items/by-id/5', '/api/v2/items/by-id/:id'],
    ] as const) {
      const server = await get(`${base}${path}`, `GET ${route}`);
      expect(server.attributes['http.route']).toBe(route);
      const handler = tracing.one('ItemsController.get');
      expect(handler.attributes['http.route']).toBe(route);
      expect(isChildOf(handler, server)).toBe(true);
    }
  });

  it('puts no global interceptor or guard on the request path', () => {
    const config = app.get(ApplicationConfig);
    expect(config.getGlobalInterceptors()).toHaveLength(0);
    expect(config.getGlobalRequestInterceptors()).toHaveLength(0);
    expect(config.getGlobalGuards()).toHaveLength(0);
    expect(config.getGlobalRequestGuards()).toHaveLength(0);
  });
});

describe('handlerSpans: false', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    [app, base] = await start(QuietModule, 'express');
  });

  afterAll(async () => {
    await app.close();
  });

  it('leaves the server span unnamed and opens no handler span', async () => {
    const server = await get(`${base}/api/quiet/7`, 'GET');
    expect(server.attributes['http.route']).toBeUndefined();
    expect(tracing.named('QuietController.get')).toHaveLength(0);
  });
});
