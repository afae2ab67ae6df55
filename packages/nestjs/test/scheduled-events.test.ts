import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Cron, ScheduleModule } from '@nestjs/schedule';
import { describe, expect, it } from 'vitest';
import { Traced, TracingModule } from '../src/index.js';
import { setupTracing } from './support/otel.js';

const tracing = setupTracing();

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const fired = { cron: deferred<void>(), event: deferred<string>() };

@Traced()
@Injectable()
class Jobs {
  @Cron('* * * * * *')
  tick(): void {
    fired.cron.resolve();
  }

  @OnEvent('order.created')
  onOrder(payload: { id: string }): void {
    fired.event.resolve(payload.id);
  }
}

@Injectable()
class MethodLevel {
  @Traced()
  @OnEvent('order.paid')
  async onPaid(payload: { id: string }): Promise<string> {
    return payload.id;
  }
}

@Module({
  imports: [TracingModule.forRoot(), EventEmitterModule.forRoot(), ScheduleModule.forRoot()],
  providers: [Jobs, MethodLevel],
})
class AppModule {}

describe('@OnEvent and @Cron on traced methods', () => {
  it('still fire, each run in its own span', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    try {
      const cronEnded = tracing.ended('Jobs.tick');
      await fired.cron.promise;
      await cronEnded;
      const eventEnded = tracing.ended('Jobs.onOrder');
      const emitter = app.get(EventEmitter2);
      emitter.emit('order.created', { id: 'o-1' });
      expect(await fired.event.promise).toBe('o-1');
      await eventEnded;
      const paidEnded = tracing.ended('MethodLevel.onPaid');
      expect(await emitter.emitAsync('order.paid', { id: 'o-2' })).toEqual(['o-2']);
      await paidEnded;
    } finally {
      await app.close();
    }
  });
});
