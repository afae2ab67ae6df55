export { amqpHeadersGetter, amqpHeadersSetter, MAX_HEADER_VALUE_LENGTH } from './amqp-headers.js';
export type {
  AmqpChannel,
  AmqpConsumeOptions,
  AmqpConsumerChannel,
  AmqpMessage,
  AmqpPublishOptions,
} from './amqp-types.js';
export type { ConsumerSpanOptions } from './consumer-span.js';
export { carryContext, extractContext, injectContext } from './context-carrier.js';
export type { DirectReplyToClientOptions } from './direct-reply-to-client.js';
export { DEFAULT_REPLY_TIMEOUT_MS, DirectReplyToClient, REPLY_TO_QUEUE } from './direct-reply-to-client.js';
export {
  AmqpTracingError,
  ChannelClosedError,
  isAmqpTracingError,
  isReplyTimeoutError,
  ReplyTimeoutError,
} from './errors.js';
export type {
  ClientSpec,
  ConsumeMethodSpec,
  PublishDescription,
  PublishMethodSpec,
} from './instrument-client.js';
export { instrumentClient } from './instrument-client.js';
export { runUntraced } from './raw-channel.js';
export { reply } from './reply.js';
export { ATTR_SETTLE_TIMEOUT } from './settle-tracker.js';
export type { MessageHandler, TracedConsumeOptions } from './traced-consume.js';
export { DEFAULT_SETTLE_TIMEOUT_MS, tracedConsume } from './traced-consume.js';
export type { PublishCallback } from './traced-publish.js';
export { tracedPublish, tracedSendToQueue } from './traced-publish.js';
