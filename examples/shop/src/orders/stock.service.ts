import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { runUntraced } from '@spanwise/amqplib';
import { Traced } from '@spanwise/nestjs';
import { Redis } from 'ioredis';
import { defer, type Observable, of } from 'rxjs';
import { readShopConfig } from '../shared/shop-config.js';

/** Reserves stock in Redis; without Redis (none reachable at start) reservations are skipped. */
@Injectable()
export class StockService implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: Redis | undefined;

  constructor() {
    const { redisUrl } = readShopConfig();
    this.redis =
      redisUrl === undefined
        ? undefined
        : new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  }

  /**
   * Connects at start-up, untraced: the handshake commands (HELLO, INFO ...) belong to no request, and would
   * otherwise land in the first request's trace (lazy connect) or in traces of their own.
   */
  async onModuleInit(): Promise<void> {
    await runUntraced(() => this.redis?.connect());
  }

  /**
   * An Observable: the span lasts from subscribe to complete, and the Redis command (traced by the ioredis
   * instrumentation that the register hook enables) is its child. Emits the units reserved so far.
   */
  @Traced()
  reserve(item: string, qty: number): Observable<number | null> {
    const redis = this.redis;
    if (redis === undefined) return of(null);
    return defer(() => redis.hincrby('shop:reserved', item, qty));
  }

  /** Closes the Redis connection with the app. */
  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit();
  }
}
