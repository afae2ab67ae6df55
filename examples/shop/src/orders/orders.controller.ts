import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PLACE_ORDER } from '../shared/order.patterns.js';
import type { OrderPlaced, PlaceOrder } from '../shared/order.types.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { OrdersService } from './orders.service.js';

/** The orders RPC endpoint. TracingModule gives the handler a SERVER span under the gateway's CLIENT span. */
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Answers the gateway's RPC; the reply goes back over direct reply-to. */
  @MessagePattern(PLACE_ORDER)
  place(@Payload() order: PlaceOrder): Promise<OrderPlaced> {
    return this.orders.place(order);
  }
}
