import type { AmqpChannel, AmqpPublishOptions } from './amqp-types.js';
import { publishInSpan } from './publish-span.js';

/** Confirm-channel callback: `err` is set when the broker nacked the message. */
export type PublishCallback = (err: unknown, ok?: unknown) => void;

/**
 * `channel.publish` under a PRODUCER span `publish <exchange>`: the span's context is injected into a copy of
 * `options.headers` (the caller's objects are not mutated) and the raw publish runs with tracing suppressed,
 * so `@opentelemetry/instrumentation-amqplib`, if active, adds no second span and overwrites nothing.
 * With a confirm channel and a `callback`, the span ends on the broker's ack (ERROR on nack).
 */
export function tracedPublish(
  channel: AmqpChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options?: AmqpPublishOptions,
  callback?: PublishCallback,
): boolean {
  const destination = {
    exchange,
    routingKey,
    messageId: options?.messageId,
    correlationId: options?.correlationId,
  };
  return publishInSpan(
    { destination, connection: channel.connection },
    options,
    (opts, confirm) =>
      confirm === undefined
        ? channel.publish(exchange, routingKey, content, opts)
        : channel.publish(exchange, routingKey, content, opts, confirm),
    callback,
  );
}

/** {@link tracedPublish} to `queue` through the default exchange; the span is named `publish <queue>`. */
export function tracedSendToQueue(
  channel: AmqpChannel,
  queue: string,
  content: Buffer,
  options?: AmqpPublishOptions,
  callback?: PublishCallback,
): boolean {
  return tracedPublish(channel, '', queue, content, options, callback);
}
