import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  type INestApplication,
  Module,
  Param,
  Req,
  Version,
  VersioningType,
} from '@nestjs/common';
import { ApplicationConfig, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, RouteConfig } from '@nestjs/platform-fastify';
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

@Controller('headers')
class HeaderVersionsController {
  @Version('1')
  @Get(':id')
  first(): string {
    return 'one';
  }

  @Version('2')
  @Get(':id')
  second(): string {
    return 'two';
  }
}

@Module({ imports: [TracingModule.forRoot()], controllers: [HeaderVersionsController] })
class HeaderVersionsModule {}

@Controller('configured')
class ConfiguredController {
  @RouteConfig({ tier: 'gold' })
  @Get()
  tier(@Req() request: { routeOptions: { config: { tier?: string } } }): string {
    return request.routeOptions.config.tier ?? 'none';
  }
}

@Module({ imports: [TracingModule.forRoot()], controllers: [ItemsController, ConfiguredController] })
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

class BaseController {
  @Get()
  get(): string {
    return 'still served';
  }
}

// The route method is inherited, so its wrapper would have to be added to a prototype that takes no property.
@Controller('frozen')
class FrozenController extends BaseController {}
Object.freeze(FrozenController.prototype);

@Module({ imports: [TracingModule.forRoot()], controllers: [FrozenController] })
class FrozenModule {}

const adapters = {
  express: () => new ExpressAdapter(),
  fastify: () => new FastifyAdapter(),
};

async function start(
  module: object,
  adapter: keyof typeof adapters,
  versioning: VersioningType.URI | VersioningType.HEADER = VersioningType.URI,
): Promise<[INestApplication, string]> {
  const app = await NestFactory.create(module, adapters[adapter](), { logger: false });
  app.setGlobalPrefix('api');
  app.enableVersioning(
    versioning === VersioningType.URI ? { type: versioning } : { type: versioning, header: 'x-api-version' },
  );
  await app.listen(0, '127.0.0.1');
  return [app, `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`];
}

async function get(
  url: string,
  serverSpan: string,
  headers: Record<string, string> = {},
): Promise<{ server: ReadableSpan; body: string }> {
  tracing.reset();
  const ended = tracing.ended(serverSpan);
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  const body = await response.text();
  return { server: await ended, body };
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
      const { server } = await get(`${base}${path}`, `GET ${route}`);
      expect(server.attributes['http.route']).toBe(route);
      const handler = tracing.one('ItemsController.get');
      expect(handler.attributes['http.route']).toBe(route);
      expect(isChildOf(handler, server)).toBe(true);
    }
  });

  it('keeps the route options adapters read off the handler', async () => {
    if (adapter !== 'fastify') return;
    const { server, body } = await get(`${base}/api/configured`, 'GET /api/configured');
    expect(body).toBe('gold');
    expect(server.attributes['http.route']).toBe('/api/configured');
  });

  it('puts no global interceptor or guard on the request path', () => {
    const config = app.get(ApplicationConfig);
    expect(config.getGlobalInterceptors()).toHaveLength(0);
    expect(config.getGlobalRequestInterceptors()).toHaveLength(0);
    expect(config.getGlobalGuards()).toHaveLength(0);
    expect(config.getGlobalRequestGuards()).toHaveLength(0);
  });
});

describe.each(Object.keys(adapters) as (keyof typeof adapters)[])('header versioning on %s', (adapter) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    [app, base] = await start(HeaderVersionsModule, adapter, VersioningType.HEADER);
  });

  afterAll(async () => {
    await app.close();
  });

  it('routes each version to its handler and its span, under the shared route', async () => {
    for (const [version, body, name] of [
      ['1', 'one', 'HeaderVersionsController.first'],
      ['2', 'two', 'HeaderVersionsController.second'],
    ] as const) {
      const result = await get(`${base}/api/headers/3`, 'GET /api/headers/:id', { 'x-api-version': version });
      expect(result.body).toBe(body);
      expect(tracing.one(name).attributes['http.route']).toBe('/api/headers/:id');
    }
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
    const { server } = await get(`${base}/api/quiet/7`, 'GET');
    expect(server.attributes['http.route']).toBeUndefined();
    expect(tracing.named('QuietController.get')).toHaveLength(0);
  });
});

describe('a frozen controller prototype', () => {
  it('boots and serves the route, with its server span named and no handler span', async () => {
    const [app, base] = await start(FrozenModule, 'express');
    try {
      const { server, body } = await get(`${base}/api/frozen`, 'GET /api/frozen');
      expect(body).toBe('still served');
      expect(server.attributes['http.route']).toBe('/api/frozen');
      expect(tracing.named('FrozenController.get')).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
