/**
 * The slice of an amqplib channel Spanwise uses. It is structural so amqplib 0.10 and 2.x channels, confirm
 * channels and amqp-connection-manager's raw channels all fit without a dependency on amqplib's types.
 */
export interface AmqpChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: AmqpPublishOptions,
    callback?: (err: unknown, ok?: unknown) => void,
  ): boolean;
  consume(
    queue: string,
    onMessage: (msg: AmqpMessage | null) => void,
    options?: AmqpConsumeOptions,
  ): Promise<{ consumerTag: string }>;
  ack?(message: AmqpMessage, allUpTo?: boolean): void;
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
  /** amqplib's connection object; read only for `server.address` / `server.port`. */
  readonly connection?: unknown;
}

/** AMQP basic properties accepted on publish (a subset; anything else is passed through untouched). */
export interface AmqpPublishOptions {
  headers?: Record<string, unknown> | undefined;
  correlationId?: string | undefined;
  replyTo?: string | undefined;
  messageId?: string | undefined;
  [property: string]: unknown;
}

/** Options of `channel.consume`. */
export interface AmqpConsumeOptions {
  noAck?: boolean | undefined;
  consumerTag?: string | undefined;
  [option: string]: unknown;
}

/** A delivered message as amqplib hands it to a consumer. */
export interface AmqpMessage {
  content: Buffer;
  fields: { deliveryTag?: number; exchange?: string; routingKey?: string; redelivered?: boolean };
  properties: {
    headers?: Record<string, unknown> | undefined;
    correlationId?: string | undefined;
    replyTo?: string | undefined;
    messageId?: string | undefined;
    [property: string]: unknown;
  };
}
