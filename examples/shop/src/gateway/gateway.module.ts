import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { TracedClientRMQ } from '@spanwise/amqplib/nestjs';
import { TracingModule } from '@spanwise/nestjs';
import { QUEUE_OPTIONS, type ShopConfig } from '../shared/shop-config.js';
import { CatalogService } from './catalog.service.js';
import { ORDERS_CLIENT } from './gateway.constants.js';
import { OrdersController } from './orders.controller.js';

/** The HTTP gateway; with `config.amqp` false it runs alone and answers orders with 503. */
@Module({})
export class GatewayModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: ClientProxy | null) {}

  /** The gateway for `config`: with RabbitMQ, a `TracedClientRMQ` to the orders queue; without, none. */
  static register(config: ShopConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [TracingModule.forRoot()],
      controllers: [OrdersController],
      providers: [
        CatalogService,
        {
          provide: ORDERS_CLIENT,
          useFactory: () =>
            config.amqp
              ? new TracedClientRMQ({
                  urls: [config.amqpUrl],
                  queue: config.ordersQueue,
                  queueOptions: QUEUE_OPTIONS,
                })
              : null,
        },
      ],
    };
  }

  /** Closes the orders client with the app. */
  async onApplicationShutdown(): Promise<void> {
    await this.orders?.close();
  }
}
