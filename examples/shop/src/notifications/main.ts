import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readShopConfig } from '../shared/shop-config.js';
import { NotificationsModule } from './notifications.module.js';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(NotificationsModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  console.log(`notifications ready on queue ${readShopConfig().notificationsQueue}`);
}

void main();
