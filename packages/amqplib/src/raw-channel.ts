import { type Context, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { AmqpConsumeOptions, AmqpConsumerChannel, AmqpMessage } from './amqp-types.js';

type Fn = (...args: never[]) => unknown;

/**
 * The function under any shimmer-style wrappers (`__original`), i.e. the method amqplib shipped, so a span
 * that Spanwise already creates is not duplicated by another instrumentation patching the same method.
 */
function unwrapMethod<F extends Fn>(fn: F): F {
  let current: unknown = fn;
  for (let depth = 0; depth < 8; depth++) {
    const original = (current as { __original?: unknown }).__original;
    if (typeof original !== 'function' || (current as { __wrapped?: unknown }).__wrapped !== true) break;
    current = original;
  }
  return current as F;
}

/** Runs `fn` in `ctx` with tracing suppressed, so instrumentations below (the stock amqplib one) stay silent. */
export function runSuppressed<T>(ctx: Context, fn: () => T): T {
  return context.with(suppressTracing(ctx), fn);
}

/** `channel.consume` as amqplib shipped it: no other instrumentation sees these deliveries. */
export function rawConsume<M extends AmqpMessage>(
  channel: AmqpConsumerChannel<M>,
  queue: string,
  onMessage: (msg: M | null) => void,
  options?: AmqpConsumeOptions,
): Promise<unknown> {
  return unwrapMethod(channel.consume).call(channel, queue, onMessage, options);
}

/**
 * Runs `fn` with tracing suppressed. Create a long-lived sender such as an amqp-connection-manager inside it:
 * the messages it publishes later (after connect, reconnect or backpressure) run in the context it was created
 * in, so a stock publish instrumentation then stays silent instead of adding a span to the wrong trace.
 */
export function runUntraced<T>(fn: () => T): T {
  return runSuppressed(context.active(), fn);
}
