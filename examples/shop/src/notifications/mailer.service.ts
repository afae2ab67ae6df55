import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Traced } from '@spanwise/nestjs';
import type { OrderNotification } from '../shared/order.types.js';

/** Sends the customer an e-mail (simulated). */
@Injectable()
export class MailerService {
  /** A promise-returning `@Traced` method: its span is the CONSUMER span's child. */
  @Traced({ attributes: (n: OrderNotification) => ({ 'order.status': n.status }) })
  async send(notification: OrderNotification): Promise<void> {
    await delay(10);
    console.log(`notified ${notification.orderId} ${notification.status}: ${notification.detail}`);
  }
}
