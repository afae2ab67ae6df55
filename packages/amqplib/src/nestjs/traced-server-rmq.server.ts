import type { RmqContext } from '@nestjs/microservices';
import { ServerRMQ } from '@nestjs/microservices';
import { context } from '@opentelemetry/api';
import type { AmqpChannel, AmqpConsumeOptions, AmqpMessage, AmqpPublishOptions } from '../amqp-types.js';
import { extractContext } from '../context-carrier.js';
import { publishInSpan } from '../publish-span.js';
import { rawConsume } from '../raw-channel.js';

type ChannelMethod = (...args: unknown[]) => unknown;

/**
 * The channel Nest consumes from: `consume` as amqplib shipped it, each delivery handled in the context its
 * headers carry; every other call goes to `channel`.
 */
function withRawConsume(channel: object): object {
  return new Proxy(channel, {
    get(target, property) {
      if (property === 'consume') {
        return (queue: string, onMessage: (msg: AmqpMessage | null) => void, options?: AmqpConsumeOptions) =>
          rawConsume(
            target as AmqpChannel,
            queue,
            (msg) =>
              msg === null ? onMessage(msg) : context.with(extractContext(msg), onMessage, undefined, msg),
            options,
          );
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as ChannelMethod).bind(target) : value;
    },
  });
}

/**
 * Nest's RabbitMQ server strategy, for use with `TracingModule` from `@spanwise/nestjs` (which gives each
 * handler its span, parented to the message headers):
 *
 * - deliveries bypass the stock amqplib instrumentation, whose CONSUMER span would end after 0.2 ms with a
 *   noAck consumer and sit between the caller and the handler span, and each is handled in the context its
 *   headers carry (also without `TracingModule`);
 * - each reply is published under a PRODUCER span `publish (temporary)` whose context goes into the reply's
 *   headers, so the caller's CLIENT span is linked to it.
 *
 * `NestFactory.createMicroservice(AppModule, { strategy: new TracedServerRMQ(options) })`.
 */
export class TracedServerRMQ extends ServerRMQ {
  override setupChannel(
    channel: Parameters<ServerRMQ['setupChannel']>[0],
    callback: () => void,
  ): Promise<void> {
    return super.setupChannel(withRawConsume(channel), callback);
  }

  override sendMessage<T = unknown>(
    message: T,
    replyTo: string,
    correlationId: string,
    _context: RmqContext,
  ): void {
    // Mirrors ServerRMQ.sendMessage, with the publish traced.
    const outgoing = this.serializer.serialize(message as never) as { options?: AmqpPublishOptions };
    const options = outgoing.options;
    delete outgoing.options;
    const content = Buffer.from(JSON.stringify(outgoing));
    publishInSpan(
      { destination: { exchange: '', routingKey: replyTo, correlationId } },
      { correlationId, ...options },
      (sendOptions) => this.channel.sendToQueue(replyTo, content, sendOptions),
    );
  }
}
