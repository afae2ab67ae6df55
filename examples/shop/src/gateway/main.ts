import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { ClientProxy } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { readShopConfig } from '../shared/shop-config.js';
import { ORDERS_CLIENT } from './gateway.constants.js';
import { GatewayModule } from './gateway.module.js';

/** Every response names its trace, so a failed request can be found in Jaeger or `spanwise dev`. */
function traceIdHeader(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  if (traceId !== undefined) res.setHeader('x-trace-id', traceId);
  next();
}

async function main(): Promise<void> {
  const config = readShopConfig();
  const app = await NestFactory.create(GatewayModule.register(config), { logger: ['error', 'warn'] });
  app.use(traceIdHeader);
  app.enableShutdownHooks();
  // Connect before the first request, so the first order does not wait for the broker handshake.
  await app.get<ClientProxy | null>(ORDERS_CLIENT)?.connect();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`gateway listening ${app.getHttpServer().address().port}`);
}

void main();
