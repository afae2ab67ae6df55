import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { AmqpConsumerChannel, AmqpMessage } from './amqp-types.js';
import { ATTR_ERROR_TYPE } from './semconv.js';

/** Attribute set on a consumer span whose message was not settled within the timeout. */
export const ATTR_SETTLE_TIMEOUT = 'spanwise.amqp.settle_timeout';

interface Failure {
  type: string;
  message: string;
}

interface Pending {
  span: Span;
  timer: NodeJS.Timeout | undefined;
}

type Method = (...args: unknown[]) => unknown;

const trackers = new WeakMap<object, SettleTracker>();

/**
 * Ends consumer spans when their message is settled on the channel. Messages are matched by delivery tag,
 * so acking a rebuilt message object works; `allUpTo`, `ackAll`/`nackAll` and channel close/error are
 * honoured, and a timeout ends and flags spans of messages nobody settles, so nothing accumulates.
 */
export class SettleTracker {
  private readonly pending = new Map<number, Pending>();

  /** The tracker of `channel`, created (and its settle methods wrapped on the instance) on first use. */
  static for(channel: AmqpConsumerChannel): SettleTracker {
    let tracker = trackers.get(channel);
    if (tracker === undefined) {
      tracker = new SettleTracker(channel);
      trackers.set(channel, tracker);
    }
    return tracker;
  }

  private constructor(channel: AmqpConsumerChannel) {
    const target = channel as unknown as Record<string, Method>;
    this.wrap(target, 'ack', (args) => this.settle(args[0], args[1] === true, undefined));
    this.wrap(target, 'nack', (args) => this.settle(args[0], args[1] === true, rejection('nack', args[2])));
    this.wrap(target, 'reject', (args) => this.settle(args[0], false, rejection('reject', args[1])));
    this.wrap(target, 'ackAll', () => this.endAll(undefined));
    this.wrap(target, 'nackAll', (args) => this.endAll(rejection('nackAll', args[0])));
    channel.once?.('close', () => this.endAll({ type: 'channel_closed', message: 'channel closed' }));
    channel.once?.('error', () => this.endAll({ type: 'channel_error', message: 'channel error' }));
  }

  /** Messages whose span is still open. */
  get size(): number {
    return this.pending.size;
  }

  /** Tracks `span` until `msg` is settled or `timeoutMs` passes (0 disables the timeout). */
  track(msg: AmqpMessage, span: Span, timeoutMs: number): void {
    const tag = msg.fields?.deliveryTag;
    if (typeof tag !== 'number') {
      span.end();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        span.setAttribute(ATTR_SETTLE_TIMEOUT, true);
        this.end(tag, { type: 'settle_timeout', message: `not settled within ${timeoutMs} ms` });
      }, timeoutMs);
      timer.unref();
    }
    this.pending.set(tag, { span, timer });
  }

  private wrap(target: Record<string, Method>, name: string, before: (args: unknown[]) => void): void {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function settleWrapper(this: unknown, ...args: unknown[]) {
      try {
        before(args);
      } catch {
        // Span bookkeeping must never stop the settle itself.
      }
      return original.apply(this, args);
    };
  }

  private settle(msg: unknown, allUpTo: boolean, failure: Failure | undefined): void {
    const tag = (msg as AmqpMessage | undefined)?.fields?.deliveryTag;
    if (typeof tag !== 'number') return;
    if (!allUpTo) {
      this.end(tag, failure);
      return;
    }
    for (const pendingTag of [...this.pending.keys()]) {
      if (pendingTag <= tag) this.end(pendingTag, failure);
    }
  }

  private endAll(failure: Failure | undefined): void {
    for (const tag of [...this.pending.keys()]) this.end(tag, failure);
  }

  private end(tag: number, failure: Failure | undefined): void {
    const entry = this.pending.get(tag);
    if (entry === undefined) return;
    this.pending.delete(tag);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (failure !== undefined) {
      entry.span.setAttribute(ATTR_ERROR_TYPE, failure.type);
      entry.span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    }
    entry.span.end();
  }
}

function rejection(operation: string, requeue: unknown): Failure {
  // amqplib requeues unless told otherwise.
  const how = requeue === false ? 'without requeue' : 'with requeue';
  return { type: operation, message: `${operation} called on message ${how}` };
}
