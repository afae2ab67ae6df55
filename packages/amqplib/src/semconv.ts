import type { Attributes } from '@opentelemetry/api';

// Attribute keys from the OTel messaging semantic conventions (RabbitMQ). Kept as literals so the package does
// not pull the incubating entry point of @opentelemetry/semantic-conventions.
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_DESTINATION_TEMPORARY = 'messaging.destination.temporary';
export const ATTR_DESTINATION_ANONYMOUS = 'messaging.destination.anonymous';
export const ATTR_SUBSCRIPTION_NAME = 'messaging.destination.subscription.name';
export const ATTR_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_ROUTING_KEY = 'messaging.rabbitmq.destination.routing_key';
export const ATTR_DELIVERY_TAG = 'messaging.rabbitmq.message.delivery_tag';
export const ATTR_MESSAGE_ID = 'messaging.message.id';
export const ATTR_CONVERSATION_ID = 'messaging.message.conversation_id';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

const REPLY_TO_PREFIX = 'amq.rabbitmq.reply-to';

/** Where a message goes or came from, as the helpers describe it for span names and attributes. */
export interface MessageDestination {
  /** Exchange name; `''` is the default exchange. */
  exchange: string;
  routingKey: string;
  /** For consumers: the queue the message was consumed from. */
  queue?: string | undefined;
  messageId?: string | undefined;
  correlationId?: string | undefined;
}

/** True for direct reply-to pseudo-queues, whose routing key is unique per requester. */
export function isReplyTo(name: string | undefined): boolean {
  return typeof name === 'string' && name.startsWith(REPLY_TO_PREFIX);
}

/**
 * The destination part of a span name: the exchange, else the queue or routing key. A direct reply-to
 * routing key is unique per requester, so it becomes `(temporary)` to keep span names low-cardinality.
 */
export function destinationLabel(dest: MessageDestination): string {
  const name = dest.queue ?? (dest.exchange !== '' ? dest.exchange : dest.routingKey);
  if (isReplyTo(name) || isReplyTo(dest.routingKey)) return '(temporary)';
  return name === '' ? 'amq.default' : name;
}

/** Messaging attributes for one message (operation attributes are added by the caller). */
export function messageAttributes(dest: MessageDestination, connection: unknown): Attributes {
  const attrs: Attributes = { [ATTR_MESSAGING_SYSTEM]: 'rabbitmq' };
  const temporary = isReplyTo(dest.routingKey) || isReplyTo(dest.queue);
  if (temporary) {
    attrs[ATTR_DESTINATION_TEMPORARY] = true;
    attrs[ATTR_DESTINATION_ANONYMOUS] = true;
  } else {
    // The conventions name the exchange; for the default exchange (named '') the queue it routes to is more
    // useful than an empty string. A consumer's queue is its subscription (set by the consumer span).
    attrs[ATTR_DESTINATION_NAME] = dest.exchange !== '' ? dest.exchange : (dest.queue ?? dest.routingKey);
    if (dest.routingKey !== '') attrs[ATTR_ROUTING_KEY] = dest.routingKey;
  }
  if (dest.messageId !== undefined) attrs[ATTR_MESSAGE_ID] = dest.messageId;
  if (dest.correlationId !== undefined) attrs[ATTR_CONVERSATION_ID] = dest.correlationId;
  addServerAttributes(attrs, connection);
  return attrs;
}

/**
 * Sets `server.address`/`server.port` from the broker socket below `connection` (a channel, connection,
 * amqp-connection-manager `ChannelWrapper`, Nest `ClientRMQ` or a wrapper holding one) when it is connected.
 */
export function addServerAttributes(attrs: Attributes, connection: unknown): void {
  const socket = brokerSocket(connection, 0);
  if (socket === undefined) return;
  if (typeof socket.remoteAddress === 'string') attrs[ATTR_SERVER_ADDRESS] = socket.remoteAddress;
  if (typeof socket.remotePort === 'number') attrs[ATTR_SERVER_PORT] = socket.remotePort;
}

interface Socket {
  remoteAddress?: unknown;
  remotePort?: unknown;
}

/**
 * Where the broker socket hangs below the objects clients hold: amqplib's `Connection.stream`, reached from a
 * `Channel` or `ChannelModel` (`.connection`), amqp-connection-manager's `ChannelWrapper` (`._channel`, or
 * `._connectionManager.connection` between channels) and Nest's `ClientRMQ` (`.channel`, `.client`).
 */
const PATHS = ['connection', '_channel', '_connectionManager', 'channel', 'client'] as const;
const MAX_DEPTH = 5;

/** The connected broker socket below `holder`, or undefined (not connected yet, or an unknown shape). */
function brokerSocket(holder: unknown, depth: number): Socket | undefined {
  if (holder === null || typeof holder !== 'object' || depth > MAX_DEPTH) return undefined;
  try {
    const stream = (holder as { stream?: Socket }).stream;
    if (stream !== null && typeof stream === 'object' && typeof stream.remoteAddress === 'string')
      return stream;
    for (const key of PATHS) {
      const found = brokerSocket((holder as Record<string, unknown>)[key], depth + 1);
      if (found !== undefined) return found;
    }
  } catch {
    // A getter that throws only costs the server attributes.
  }
  return undefined;
}
