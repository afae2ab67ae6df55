/** Where each service finds the broker, its queues and Redis; `run.mjs` sets these per run. */
export interface ShopConfig {
  /** False when RabbitMQ is unreachable: the gateway then runs alone (HTTP only). */
  amqp: boolean;
  amqpUrl: string;
  /** Queue of the orders RPC service (unique per run, auto-deleted). */
  ordersQueue: string;
  /** Queue the notifications service consumes (unique per run, auto-deleted). */
  notificationsQueue: string;
  /** Redis URL, or undefined when no Redis was reachable (stock reservations are then skipped). */
  redisUrl: string | undefined;
}

/** Reads the shop's environment. */
export function readShopConfig(env: NodeJS.ProcessEnv = process.env): ShopConfig {
  return {
    amqp: env.SHOP_AMQP !== 'off',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    ordersQueue: env.SHOP_ORDERS_QUEUE ?? 'shop.orders',
    notificationsQueue: env.SHOP_NOTIFICATIONS_QUEUE ?? 'shop.notifications',
    redisUrl: env.SHOP_REDIS_URL === undefined || env.SHOP_REDIS_URL === '' ? undefined : env.SHOP_REDIS_URL,
  };
}

/** Queue options of every shop queue: nothing outlives a run. */
export const QUEUE_OPTIONS = { durable: false, autoDelete: true } as const;
