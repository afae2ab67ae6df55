import { Module } from '@nestjs/common';
import { TracingModule } from '@spanwise/nestjs';
import { NotificationsPublisher } from './notifications.publisher.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { PaymentService } from './payment.service.js';
import { StockService } from './stock.service.js';

/** The orders microservice. */
@Module({
  imports: [TracingModule.forRoot()],
  controllers: [OrdersController],
  providers: [OrdersService, StockService, PaymentService, NotificationsPublisher],
})
export class OrdersModule {}
