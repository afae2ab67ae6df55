import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { OrderNotification } from '../shared/order.types.js';
import { ShopBus } from '../shared/shop-bus.js';
import { readShopConfig } from '../shared/shop-config.js';
import { traceBus } from '../shared/traced-bus.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { MailerService } from './mailer.service.js';

/** Consumes the notifications queue through the in-house {@link ShopBus}; each message is one CONSUMER span. */
@Injectable()
export class NotificationsConsumer implements OnModuleInit, OnApplicationShutdown {
  private bus: ShopBus | undefined;

  constructor(private readonly mailer: MailerService) {}

  /** Connects and starts consuming; each message is handed to the mailer. */
  async onModuleInit(): Promise<void> {
    const { amqpUrl, notificationsQueue } = readShopConfig();
    this.bus = traceBus(await ShopBus.connect(amqpUrl));
    await this.bus.declare(notificationsQueue);
    await this.bus.subscribe(notificationsQueue, (payload) => this.mailer.send(payload as OrderNotification));
  }

  /** Stops consuming and closes the bus with the app. */
  async onApplicationShutdown(): Promise<void> {
    await this.bus?.close();
  }
}
