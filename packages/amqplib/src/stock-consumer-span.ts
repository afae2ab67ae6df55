import type { Span } from '@opentelemetry/api';
import type { AmqpMessage } from './amqp-types.js';
import { consumerSpanShape } from './consumer-span.js';

/**
 * What `@opentelemetry/instrumentation-amqplib` 0.x puts on its CONSUMER span under the pre-1.24 messaging
 * conventions, each a duplicate (under an old name) of an attribute Spanwise sets.
 */
const STOCK_ONLY_ATTRIBUTES = [
  'messaging.destination',
  'messaging.destination_kind',
  'messaging.rabbitmq.routing_key',
  'messaging.operation',
  'messaging.message_id',
  'messaging.conversation_id',
  'messaging.protocol',
  'messaging.protocol_version',
  'messaging.url',
  'net.peer.name',
  'net.peer.port',
];

/**
 * Gives the stock instrumentation's CONSUMER span for `msg` the name and attributes of Spanwise's own
 * (`process <queue>`), so that one app's consumer spans look the same whether the stock instrumentation is on
 * or not. The API cannot remove attributes, so the stock-only ones are deleted from the SDK span's attribute
 * record when it exposes a mutable one; other span implementations keep them beside ours.
 */
export function adoptStockConsumerSpan(
  span: Span,
  msg: AmqpMessage,
  queue: string,
  connection: unknown,
): void {
  try {
    const { name, attributes } = consumerSpanShape(msg, queue, connection);
    const record = (span as Span & { attributes?: unknown }).attributes;
    if (record !== null && typeof record === 'object' && !Object.isFrozen(record)) {
      for (const key of STOCK_ONLY_ATTRIBUTES) delete (record as Record<string, unknown>)[key];
    }
    span.updateName(name);
    span.setAttributes(attributes);
  } catch {
    // Another instrumentation's span we cannot reshape stays as it is; the handler runs regardless.
  }
}
