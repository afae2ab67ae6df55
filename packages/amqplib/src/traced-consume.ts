import { context, type Span } from '@opentelemetry/api';
import type { AmqpConsumeOptions, AmqpConsumerChannel, AmqpMessage } from './amqp-types.js';
import { type ConsumerSpanOptions, startConsumerSpan } from './consumer-span.js';
import { rawConsume } from './raw-channel.js';
import { SettleTracker } from './settle-tracker.js';
import { recordError } from './span-status.js';
import { resolveTimeoutMs } from './timeout-option.js';

/** Default of {@link TracedConsumeOptions.settleTimeoutMs}. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 60_000;

/** Options of {@link tracedConsume}. */
export interface TracedConsumeOptions extends ConsumerSpanOptions {
  /** Passed to `channel.consume`; with `noAck: true` the span always ends with the handler. */
  consume?: AmqpConsumeOptions;
  /**
   * When the CONSUMER span ends: `'settle'` (default for acked consumers) when the message is acked, nacked or
   * rejected on the channel; `'handler'` when the handler returns or its promise settles.
   */
  endOn?: 'settle' | 'handler';
  /**
   * With `endOn: 'settle'`, a span whose message is not settled within this many ms ends with ERROR and
   * `spanwise.amqp.settle_timeout=true`, so forgotten messages never pile up. `0` disables it; a negative or
   * NaN value warns and gives the default, {@link DEFAULT_SETTLE_TIMEOUT_MS}.
   */
  settleTimeoutMs?: number;
}

/** A consumer callback; `null` means the broker cancelled the consumer, as in amqplib. */
export type MessageHandler<M extends AmqpMessage = AmqpMessage> = (msg: M | null) => unknown;

/**
 * `channel.consume` with one CONSUMER span `process <queue>` per message, parented to (or, with
 * `useLinks`, linked to) the context in its headers. The span is active for the whole handler, including
 * its async work. The raw consume is used, so `@opentelemetry/instrumentation-amqplib` adds no second span.
 */
export function tracedConsume<M extends AmqpMessage>(
  channel: AmqpConsumerChannel<M>,
  queue: string,
  handler: MessageHandler<M>,
  options: TracedConsumeOptions = {},
): Promise<unknown> {
  const noAck = options.consume?.noAck === true;
  const endOnSettle = !noAck && (options.endOn ?? 'settle') === 'settle';
  const timeoutMs = resolveTimeoutMs('settleTimeoutMs', options.settleTimeoutMs, DEFAULT_SETTLE_TIMEOUT_MS);
  const tracker = endOnSettle ? SettleTracker.for(channel) : undefined;
  return rawConsume(
    channel,
    queue,
    (msg) => {
      if (msg === null) {
        handler(msg);
        return;
      }
      const { span, ctx } = startConsumerSpan(msg, queue, channel.connection, options);
      // Tracked before the handler runs: a handler may ack synchronously.
      tracker?.track(msg, span, timeoutMs);
      runHandler(span, tracker === undefined, () => context.with(ctx, handler, undefined, msg));
    },
    options.consume,
  );
}

/**
 * Runs a consumer handler inside its span: errors mark the span, and when `endWithHandler` is set the span
 * ends when the handler returns or its promise settles. Errors are rethrown so the host sees them as before.
 */
export function runHandler(span: Span, endWithHandler: boolean, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (err) {
    recordError(span, err);
    if (endWithHandler) span.end();
    throw err;
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as Promise<unknown>).then === 'function'
  ) {
    return (result as Promise<unknown>).then(
      (value) => {
        if (endWithHandler) span.end();
        return value;
      },
      (err: unknown) => {
        recordError(span, err);
        if (endWithHandler) span.end();
        throw err;
      },
    );
  }
  if (endWithHandler) span.end();
  return result;
}
