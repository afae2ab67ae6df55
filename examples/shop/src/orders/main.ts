import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TracedServerRMQ } from '@spanwise/amqplib/nestjs';
import { QUEUE_OPTIONS, readShopConfig } from '../shared/shop-config.js';
import { OrdersModule } from './orders.module.js';

async function main(): Promise<void> {
  const config = readShopConfig();
  const app = await NestFactory.createMicroservice(OrdersModule, {
    strategy: new TracedServerRMQ({
      urls: [config.amqpUrl],
      queue: config.ordersQueue,
      queueOptions: QUEUE_OPTIONS,
    }),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
  console.log(`orders ready on queue ${config.ordersQueue}`);
}

void main();
