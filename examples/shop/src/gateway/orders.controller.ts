import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  HttpException,
  Inject,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { PLACE_ORDER } from '../shared/order.patterns.js';
import type { OrderPlaced, OrderRequest, PlaceOrder } from '../shared/order.types.js';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { CatalogService } from './catalog.service.js';
import { ORDERS_CLIENT } from './gateway.constants.js';

/** Shape of the error a Nest RMQ RPC rejects with when the handler threw an `RpcException({ status, message })`. */
interface RpcError {
  status?: number;
  message?: string;
}

/** `POST /orders`: prices the order, then places it with the orders service over RabbitMQ (RPC). */
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly catalog: CatalogService,
    @Inject(ORDERS_CLIENT) private readonly orders: ClientProxy | null,
  ) {}

  /** Places an order; 402 when the card is declined, 404 for an unknown item, 503 without RabbitMQ. */
  @Post()
  async place(@Body() body: Partial<OrderRequest>): Promise<OrderPlaced> {
    const { item, qty, card } = body;
    if (typeof item !== 'string' || typeof qty !== 'number' || typeof card !== 'string') {
      throw new BadRequestException('expected { item: string, qty: number, card: string }');
    }
    const total = this.catalog.total(item, qty);
    if (this.orders === null) {
      throw new ServiceUnavailableException(
        'the orders service is unreachable: RabbitMQ is down (start it with `rabbitmq-server -detached`)',
      );
    }
    const order: PlaceOrder = { orderId: randomUUID(), item, qty, card, total };
    try {
      return await firstValueFrom(this.orders.send<OrderPlaced, PlaceOrder>(PLACE_ORDER, order));
    } catch (error) {
      const { status = 502, message = 'orders service failed' } = error as RpcError;
      throw new HttpException(message, status);
    }
  }
}
