// Recipe 5 of docs/rabbitmq.md: a Nest RMQ microservice traced by TracingModule, called by TracedClientRMQ.
// Sends RPC_COUNT concurrent requests (each in its own `request <i>` span) and one event, prints what came
// back, flushes and exits. Start with: node --import @spanwise/core/register nest-rmq.mjs
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { TracedClientRMQ, TracedServerRMQ } from '@spanwise/amqplib/nestjs';
import { getTracing } from '@spanwise/core';
import { TracingModule } from '@spanwise/nestjs';
import { firstValueFrom } from 'rxjs';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RPC_COUNT = Number(process.env.RPC_COUNT ?? 20);
export const WORK_MS = 30;

class PricingController {
  async quote(item) {
    await delay(WORK_MS);
    return { item, price: 42, traceId: trace.getActiveSpan()?.spanContext().traceId };
  }

  audit() {}
}
for (const [method, decorator] of [
  ['quote', MessagePattern('quote')],
  ['audit', EventPattern('audit')],
]) {
  Object.defineProperty(
    PricingController.prototype,
    method,
    Reflect.decorate(
      [decorator],
      PricingController.prototype,
      method,
      Object.getOwnPropertyDescriptor(PricingController.prototype, method),
    ),
  );
}
Reflect.decorate([Controller()], PricingController);

class PricingModule {}
Reflect.decorate(
  [Module({ imports: [TracingModule.forRoot()], controllers: [PricingController] })],
  PricingModule,
);

const queue = `amqp-patterns.nest.${randomUUID().slice(0, 8)}`;
const options = { urls: [AMQP_URL], queue, queueOptions: { durable: false, autoDelete: true } };
const server = await NestFactory.createMicroservice(PricingModule, {
  strategy: new TracedServerRMQ(options),
  logger: ['error', 'warn'],
});
await server.listen();
const client = new TracedClientRMQ(options);

const tracer = trace.getTracer('amqp-patterns');
const replies = await Promise.all(
  Array.from({ length: RPC_COUNT }, (_, i) =>
    tracer.startActiveSpan(`request ${i}`, async (span) => {
      const reply = await firstValueFrom(client.send('quote', `item-${i}`));
      span.end();
      return reply.traceId === span.spanContext().traceId;
    }),
  ),
);
await tracer.startActiveSpan('request event', async (span) => {
  await firstValueFrom(client.emit('audit', 'quoted'), { defaultValue: undefined });
  span.end();
});
console.log(`nest rpc: ${replies.filter(Boolean).length}/${RPC_COUNT} replies carried their caller's trace`);

await client.close();
await server.close();
await getTracing()?.shutdown();
