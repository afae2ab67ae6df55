/**
 * The slice of an amqplib channel Spanwise uses. It is structural so amqplib 0.10 and 2.x channels, confirm
 * channels and amqp-connection-manager's raw channels all fit without a dependency on amqplib's types.
 * `M` is the channel's delivered message type, so handlers receive amqplib's own `ConsumeMessage`.
 */
export interface AmqpChannel<M extends AmqpMessage = AmqpMessage> extends AmqpConsumerChannel<M> {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: AmqpPublishOptions,
    callback?: (err: unknown, ok?: unknown) => void,
  ): boolean;
}

/**
 * The consuming slice of a channel, all `tracedConsume` needs. amqp-connection-manager's `ChannelWrapper` fits
 * it too (its `publish` returns a promise, so it is not an {@link AmqpChannel}).
 */
export interface AmqpConsumerChannel<M extends AmqpMessage = AmqpMessage> {
  consume(queue: string, onMessage: (msg: M | null) => void, options?: AmqpConsumeOptions): Promise<unknown>;
  ack?(message: M, allUpTo?: boolean): void;
  once?(event: string, listener: () => void): unknown;
  /** amqplib's connection object; read only for `server.address` / `server.port`. */
  readonly connection?: unknown;
}

/** AMQP basic properties accepted on publish (amqplib's `Options.Publish`). */
export interface AmqpPublishOptions {
  expiration?: string | number;
  userId?: string;
  CC?: string | string[];
  mandatory?: boolean;
  persistent?: boolean;
  deliveryMode?: boolean | number;
  BCC?: string | string[];
  contentType?: string;
  contentEncoding?: string;
  // biome-ignore lint/suspicious/noExplicitAny: amqplib types header tables as any; values may be any AMQP field.
  headers?: any;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  messageId?: string;
  timestamp?: number;
  type?: string;
  appId?: string;
}

/** Options of `channel.consume` (amqplib's `Options.Consume`). */
export interface AmqpConsumeOptions {
  consumerTag?: string;
  noLocal?: boolean;
  noAck?: boolean;
  exclusive?: boolean;
  priority?: number;
  // biome-ignore lint/suspicious/noExplicitAny: x-arguments table, as amqplib types it.
  arguments?: any;
}

/** A delivered message as amqplib hands it to a consumer. */
export interface AmqpMessage {
  content: Buffer;
  fields: { deliveryTag?: number; exchange?: string; routingKey?: string; redelivered?: boolean };
  properties: {
    // biome-ignore lint/suspicious/noExplicitAny: amqplib types header tables as any.
    headers?: any;
    correlationId?: string;
    replyTo?: string;
    messageId?: string;
  };
}
