import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Traced } from '@spanwise/nestjs';
import { lastValueFrom } from 'rxjs';
import type { OrderPlaced, PlaceOrder } from '../shared/order.types.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { NotificationsPublisher } from './notifications.publisher.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { PaymentService } from './payment.service.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { StockService } from './stock.service.js';

/** Places an order: reserve stock, charge the card, notify the customer either way. */
@Traced()
@Injectable()
export class OrdersService {
  constructor(
    private readonly stock: StockService,
    private readonly payments: PaymentService,
    private readonly notifications: NotificationsPublisher,
  ) {}

  /** Each step is a child span: the stock Observable, the charge promise and the notification's PRODUCER span. */
  async place(order: PlaceOrder): Promise<OrderPlaced> {
    const reserved = await lastValueFrom(this.stock.reserve(order.item, order.qty));
    try {
      await this.payments.charge(order);
    } catch (error) {
      const detail = (error as Error).message;
      this.notifications.notify({ orderId: order.orderId, status: 'declined', detail });
      // An RpcException is an expected outcome for the handler span; the charge span already carries the ERROR.
      throw new RpcException({ status: 402, message: `payment failed: ${detail}` });
    }
    this.notifications.notify({
      orderId: order.orderId,
      status: 'confirmed',
      detail: `${order.qty} × ${order.item}`,
    });
    return { orderId: order.orderId, status: 'confirmed', total: order.total, reserved };
  }
}
