/** Base class of the errors `@spanwise/amqplib` rejects with. */
export class AmqpTracingError extends Error {
  override name = 'AmqpTracingError';
}

/** A direct reply-to request got no reply within `timeoutMs`. */
export class ReplyTimeoutError extends AmqpTracingError {
  override name = 'ReplyTimeoutError';
  /** The request's correlation id. */
  readonly correlationId: string;

  constructor(queue: string, correlationId: string, timeoutMs: number) {
    super(
      `no reply from queue "${queue}" within ${timeoutMs} ms (correlationId ${correlationId}); ` +
        'check that a responder consumes the queue, or raise DirectReplyToClient timeoutMs',
    );
    this.correlationId = correlationId;
  }
}

/** The channel closed while direct reply-to requests were waiting. */
export class ChannelClosedError extends AmqpTracingError {
  override name = 'ChannelClosedError';
}

/** True for errors thrown by `@spanwise/amqplib`, also across realms and duplicate installs. */
export function isAmqpTracingError(value: unknown): value is AmqpTracingError {
  return (
    value instanceof AmqpTracingError ||
    (value instanceof Error &&
      ['AmqpTracingError', 'ReplyTimeoutError', 'ChannelClosedError'].includes(value.name))
  );
}

/** True when a direct reply-to request timed out. */
export function isReplyTimeoutError(value: unknown): value is ReplyTimeoutError {
  return value instanceof Error && value.name === 'ReplyTimeoutError';
}
