import type { AmqpChannel, AmqpMessage, AmqpPublishOptions } from './amqp-types.js';
import { AmqpTracingError } from './errors.js';
import { publishInSpan } from './publish-span.js';

/**
 * Answers a request received with a `replyTo` (direct reply-to or a reply queue): publishes `body` to the
 * request's `replyTo` through the default exchange, copies its `correlationId`, and injects the active
 * context under a PRODUCER span named `publish (temporary)` for direct reply-to. Throws when the request has
 * no `replyTo`.
 */
export function reply(
  channel: AmqpChannel,
  requestMsg: AmqpMessage,
  body: Buffer,
  options: AmqpPublishOptions = {},
): boolean {
  const replyTo = requestMsg.properties?.replyTo;
  if (typeof replyTo !== 'string' || replyTo === '') {
    throw new AmqpTracingError(
      'cannot reply: the request message has no replyTo property; send it with replyTo',
    );
  }
  const correlationId = requestMsg.properties.correlationId;
  const publishOptions = correlationId === undefined ? options : { ...options, correlationId };
  return publishInSpan(
    {
      destination: { exchange: '', routingKey: replyTo, correlationId, messageId: options.messageId },
      connection: channel.connection,
    },
    publishOptions,
    (opts) => channel.publish('', replyTo, body, opts),
  );
}
