import {
  type Attributes,
  type Context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { AmqpMessage } from './amqp-types.js';
import { extractContext } from './context-carrier.js';
import {
  ATTR_DELIVERY_TAG,
  ATTR_OPERATION_NAME,
  ATTR_OPERATION_TYPE,
  ATTR_SUBSCRIPTION_NAME,
  destinationLabel,
  isReplyTo,
  type MessageDestination,
  messageAttributes,
} from './semconv.js';
import { getTracer } from './tracer.js';

/** How a consumer span relates to the producer's context. */
export interface ConsumerSpanOptions {
  /**
   * Start a new trace linked to the producer's span instead of continuing it. Baggage from the message is
   * kept either way. Default `false`.
   */
  useLinks?: boolean;
}

function destinationOf(msg: AmqpMessage, queue: string): MessageDestination {
  const fields = msg.fields ?? {};
  const props = msg.properties ?? {};
  return {
    exchange: typeof fields.exchange === 'string' ? fields.exchange : '',
    routingKey: typeof fields.routingKey === 'string' ? fields.routingKey : '',
    queue,
    messageId: typeof props.messageId === 'string' ? props.messageId : undefined,
    correlationId: typeof props.correlationId === 'string' ? props.correlationId : undefined,
  };
}

/** The CONSUMER span's name and attributes for a message delivered from `queue`. */
export function consumerSpanShape(
  msg: AmqpMessage,
  queue: string,
  connection: unknown,
): { name: string; attributes: Attributes } {
  const destination = destinationOf(msg, queue);
  const attributes = messageAttributes(destination, connection);
  attributes[ATTR_OPERATION_TYPE] = 'process';
  attributes[ATTR_OPERATION_NAME] = 'process';
  if (queue !== '' && !isReplyTo(queue)) attributes[ATTR_SUBSCRIPTION_NAME] = queue;
  const tag = msg.fields?.deliveryTag;
  if (typeof tag === 'number') attributes[ATTR_DELIVERY_TAG] = tag;
  return { name: `process ${destinationLabel(destination)}`, attributes };
}

/**
 * Starts the CONSUMER span `process <queue>` for a delivered message, parented to (or linked to) the context
 * in its headers, and returns it with the context handlers should run in.
 */
export function startConsumerSpan(
  msg: AmqpMessage,
  queue: string,
  connection: unknown,
  options: ConsumerSpanOptions = {},
): { span: Span; ctx: Context } {
  const extracted = extractContext(msg);
  const { name, attributes } = consumerSpanShape(msg, queue, connection);
  let parent = extracted;
  let links: Link[] | undefined;
  if (options.useLinks === true) {
    const producer = trace.getSpanContext(extracted);
    links = producer === undefined ? undefined : [{ context: producer }];
    const baggage = propagation.getBaggage(extracted);
    parent = baggage === undefined ? ROOT_CONTEXT : propagation.setBaggage(ROOT_CONTEXT, baggage);
  }
  const span = getTracer().startSpan(
    name,
    links === undefined
      ? { kind: SpanKind.CONSUMER, attributes }
      : { kind: SpanKind.CONSUMER, attributes, links },
    parent,
  );
  return { span, ctx: trace.setSpan(parent, span) };
}
