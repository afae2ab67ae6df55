import { randomUUID } from 'node:crypto';
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { AmqpChannel, AmqpMessage, AmqpPublishOptions } from './amqp-types.js';
import { extractContext, injectContext } from './context-carrier.js';
import { ChannelClosedError, ReplyTimeoutError } from './errors.js';
import { startPublishSpan } from './publish-span.js';
import { rawConsume, runSuppressed } from './raw-channel.js';
import { recordError } from './span-status.js';
import { resolveTimeoutMs } from './timeout-option.js';

/** RabbitMQ's direct reply-to pseudo-queue. */
export const REPLY_TO_QUEUE = 'amq.rabbitmq.reply-to';

/** Default of {@link DirectReplyToClientOptions.timeoutMs}. */
export const DEFAULT_REPLY_TIMEOUT_MS = 30_000;

/** Options of {@link DirectReplyToClient}. */
export interface DirectReplyToClientOptions {
  /**
   * How long `request` waits for the reply before rejecting with `ReplyTimeoutError`; `0` disables the
   * timeout (as `settleTimeoutMs: 0` does), so a request waits until its reply or the channel closes. A
   * negative or NaN value warns and gives the default, 30 s.
   */
  timeoutMs?: number;
}

interface PendingRequest {
  span: Span;
  timer: NodeJS.Timeout | undefined;
  resolve: (msg: AmqpMessage) => void;
  reject: (err: Error) => void;
}

/** One reply consumer per channel, shared by every client on it: RabbitMQ allows only one. */
class ReplyRouter {
  readonly pending = new Map<string, PendingRequest>();
  lateReplies = 0;
  readonly ready: Promise<unknown>;

  constructor(channel: AmqpChannel) {
    this.ready = rawConsume(channel, REPLY_TO_QUEUE, (msg) => this.route(msg), { noAck: true });
    // A failed subscription must reject the requests that wait on it, not become an unhandled rejection.
    this.ready.catch(() => {});
    const fail = () => this.failAll(new ChannelClosedError('the channel closed before the reply arrived'));
    channel.once?.('close', fail);
    channel.once?.('error', fail);
  }

  private route(msg: AmqpMessage | null): void {
    if (msg === null) {
      this.failAll(new ChannelClosedError('the broker cancelled the direct reply-to consumer'));
      return;
    }
    const id = msg.properties?.correlationId;
    const entry = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (id === undefined || entry === undefined) {
      this.lateReplies++;
      return;
    }
    this.pending.delete(id);
    clearTimeout(entry.timer);
    // A responder that copies the request's traceparent back (the pika recipe) sends the CLIENT span's own
    // context: a link to itself says nothing.
    const replyContext = trace.getSpanContext(extractContext(msg));
    if (replyContext !== undefined && replyContext.spanId !== entry.span.spanContext().spanId) {
      entry.span.addLink({ context: replyContext });
    }
    entry.span.end();
    entry.resolve(msg);
  }

  private failAll(err: Error): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      recordError(entry.span, err);
      entry.span.end();
      entry.reject(err);
    }
  }
}

const routers = new WeakMap<object, ReplyRouter>();

/**
 * RPC over RabbitMQ's direct reply-to as one trace: `request` publishes with `replyTo` and a correlation id,
 * and a CLIENT span `send <queue>` covers the round trip, linked to the reply's context, ERROR on timeout.
 * Its context travels in the request headers, so the responder's spans are its children. Awaiting code
 * continues in the caller's context. Requests on one channel share a single noAck reply consumer.
 */
export class DirectReplyToClient {
  private readonly channel: AmqpChannel;
  private readonly timeoutMs: number;
  private readonly router: ReplyRouter;

  constructor(channel: AmqpChannel, options: DirectReplyToClientOptions = {}) {
    this.channel = channel;
    this.timeoutMs = resolveTimeoutMs(
      'DirectReplyToClient timeoutMs',
      options.timeoutMs,
      DEFAULT_REPLY_TIMEOUT_MS,
    );
    let router = routers.get(channel);
    if (router === undefined) {
      router = new ReplyRouter(channel);
      routers.set(channel, router);
    }
    this.router = router;
  }

  /** Requests waiting for their reply on this channel. */
  get pendingCount(): number {
    return this.router.pending.size;
  }

  /** Replies that arrived after their request timed out (or with an unknown correlation id). */
  get lateReplies(): number {
    return this.router.lateReplies;
  }

  /** Sends `body` to `queue` and resolves with the reply message. */
  async request(queue: string, body: Buffer, options: AmqpPublishOptions = {}): Promise<AmqpMessage> {
    const correlationId = options.correlationId ?? randomUUID();
    const parent = context.active();
    const { span, ctx } = startPublishSpan(
      {
        kind: SpanKind.CLIENT,
        destination: { exchange: '', routingKey: queue, correlationId, messageId: options.messageId },
        connection: this.channel.connection,
      },
      parent,
    );
    try {
      await this.router.ready;
    } catch (err) {
      recordError(span, err);
      span.end();
      throw err;
    }
    return new Promise<AmqpMessage>((resolve, reject) => {
      const timer =
        this.timeoutMs === 0
          ? undefined
          : setTimeout(() => {
              if (!this.router.pending.delete(correlationId)) return;
              const err = new ReplyTimeoutError(queue, correlationId, this.timeoutMs);
              recordError(span, err, 'timeout');
              span.end();
              reject(err);
            }, this.timeoutMs);
      timer?.unref();
      this.router.pending.set(correlationId, { span, timer, resolve, reject });
      const publishOptions = {
        ...options,
        correlationId,
        replyTo: REPLY_TO_QUEUE,
        headers: injectContext(options.headers, ctx),
      };
      try {
        runSuppressed(ctx, () => this.channel.publish('', queue, body, publishOptions));
      } catch (err) {
        this.router.pending.delete(correlationId);
        clearTimeout(timer);
        recordError(span, err);
        span.end();
        reject(err);
      }
    });
  }
}
