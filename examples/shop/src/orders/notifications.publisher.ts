import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { OrderNotification } from '../shared/order.types.js';
import { ShopBus } from '../shared/shop-bus.js';
import { readShopConfig } from '../shared/shop-config.js';
import { traceBus } from '../shared/traced-bus.js';

/** Tells the notifications service about each order through the in-house {@link ShopBus}. */
@Injectable()
export class NotificationsPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly config = readShopConfig();
  private bus: ShopBus | undefined;

  /** Connects and declares the notifications queue before the first order arrives. */
  async onModuleInit(): Promise<void> {
    this.bus = traceBus(await ShopBus.connect(this.config.amqpUrl));
    await this.bus.declare(this.config.notificationsQueue);
  }

  /** Publishes one notification (a PRODUCER span, child of the active span). */
  notify(notification: OrderNotification): void {
    this.bus?.send(this.config.notificationsQueue, notification);
  }

  /** Closes the bus with the app. */
  async onApplicationShutdown(): Promise<void> {
    await this.bus?.close();
  }
}
