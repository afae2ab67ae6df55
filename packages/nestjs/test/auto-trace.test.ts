import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  type OnModuleInit,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
// biome-ignore lint/style/useImportType: Nest injects by the class that decorator metadata names
import { NestFactory, Reflector } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoTrace, NoTrace, Traced, TracingModule } from '../src/index.js';
import { isChildOf, setupTracing } from './support/otel.js';

const tracing = setupTracing();

@Injectable()
class OrdersService implements OnModuleInit {
  initialised = false;

  onModuleInit(): void {
    this.initialised = true;
  }

  get size(): number {
    return 1;
  }

  async list(): Promise<string[]> {
    return [this.format('a')];
  }

  format(id: string): string {
    return `order-${id}`;
  }

  @NoTrace()
  secret(): string {
    return 'quiet';
  }

  @Traced('orders.custom')
  custom(): string {
    return 'own span';
  }
}

@Injectable()
class HealthService {
  check(): string {
    return 'ok';
  }
}

@Injectable()
class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    return this.reflector.get<string>('scope', context.getHandler()) === 'orders';
  }
}

@Controller('orders')
class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly health: HealthService,
  ) {}

  @Get()
  @SetMetadata('scope', 'orders')
  @UseGuards(ScopeGuard)
  async list(): Promise<unknown> {
    return {
      orders: await this.orders.list(),
      size: this.orders.size,
      secret: this.orders.secret(),
      custom: this.orders.custom(),
      health: this.health.check(),
    };
  }
}

@Module({
  imports: [TracingModule.forRoot()],
  controllers: [OrdersController],
  providers: [OrdersService, HealthService, ScopeGuard],
})
class AppModule {}

describe('autoTrace through instrument.instanceDecorator', () => {
  let app: Awaited<ReturnType<typeof NestFactory.create>>;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, {
      logger: false,
      instrument: autoTrace({ exclude: [/Health/, 'ScopeGuard'] }),
    });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  it('traces provider and controller methods, but not hooks, getters, @NoTrace, excluded or Nest classes', async () => {
    expect(app.get(OrdersService).initialised).toBe(true);
    tracing.reset();
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/orders`);
    expect(await response.json()).toEqual({
      orders: ['order-a'],
      size: 1,
      secret: 'quiet',
      custom: 'own span',
      health: 'ok',
    });
    const names = tracing
      .spans()
      .map((span) => span.name)
      .sort();
    expect(names).toEqual([
      'OrdersController.list',
      'OrdersService.format',
      'OrdersService.list',
      'orders.custom',
    ]);
    // One span for the route: the handler span adopts the autoTrace wrapper.
    const controller = tracing.one('OrdersController.list');
    expect(controller.attributes['http.route']).toBe('/orders');
    expect(isChildOf(tracing.one('OrdersService.list'), controller)).toBe(true);
    expect(isChildOf(tracing.one('OrdersService.format'), tracing.one('OrdersService.list'))).toBe(true);
  });

  it('leaves the prototype alone', () => {
    expect(Object.hasOwn(app.get(OrdersService), 'list')).toBe(true);
    const plain = new OrdersService();
    tracing.reset();
    plain.format('x');
    expect(tracing.spans()).toHaveLength(0);
  });
});
