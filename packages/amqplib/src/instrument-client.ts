import { context, diag, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { AmqpPublishOptions } from './amqp-types.js';
import { type ConsumerSpanOptions, startConsumerSpan } from './consumer-span.js';
import { publishInSpan } from './publish-span.js';
import { adoptStockConsumerSpan } from './stock-consumer-span.js';
import { runHandler } from './traced-consume.js';

/** What a publish-style method sends, as the spec's `describe` reads it from the method's arguments. */
export interface PublishDescription {
  /** Exchange name; `''` or absent for the default exchange. */
  exchange?: string;
  /** Routing key, or the queue name for the default exchange. */
  routingKey?: string;
  messageId?: string;
  correlationId?: string;
}

/** Spec of a method that publishes one message. */
export interface PublishMethodSpec {
  kind: 'publish';
  describe(...args: unknown[]): PublishDescription;
  /**
   * Index of the argument holding the AMQP publish options. The method receives a copy whose headers carry
   * the PRODUCER span's context; missing options are created.
   */
  optionsIndex: number;
}

/** Spec of a method that registers a message handler. */
export interface ConsumeMethodSpec extends ConsumerSpanOptions {
  kind: 'consume';
  /** The queue name, read from the registering method's arguments. */
  describe(...args: unknown[]): { queue: string };
  /** Index of the handler argument. */
  handlerIndex: number;
  /**
   * The delivered message (or its headers table) from the handler's arguments. Default: the first argument.
   */
  message?(...handlerArgs: unknown[]): unknown;
}

/** Method name -> how to trace it. */
export type ClientSpec<T> = { [K in keyof T]?: PublishMethodSpec | ConsumeMethodSpec };

const WRAPPED = Symbol('spanwise.amqp.wrapped');

type Method = ((...args: unknown[]) => unknown) & { [WRAPPED]?: true };

/**
 * Wraps an in-house RabbitMQ client's publish- and consume-style methods, by name, on the instance:
 * publish methods get a PRODUCER span with its context in a copy of the options' headers, and run with tracing
 * suppressed so the stock amqplib instrumentation neither adds a span nor overwrites the header; handlers given
 * to consume methods run in a CONSUMER span parented to the message's context, ending with the handler.
 * A method is never wrapped twice. Returns `client`.
 */
export function instrumentClient<T extends object>(client: T, spec: ClientSpec<T>): T {
  const target = client as unknown as Record<string, Method>;
  for (const [name, methodSpec] of Object.entries(spec) as [
    string,
    PublishMethodSpec | ConsumeMethodSpec,
  ][]) {
    const original = target[name];
    if (typeof original !== 'function') {
      diag.warn(`@spanwise/amqplib: instrumentClient: "${name}" is not a method of the client; left as is`);
      continue;
    }
    if (original[WRAPPED] === true) continue;
    const wrapped: Method =
      methodSpec.kind === 'publish' ? wrapPublish(original, methodSpec) : wrapConsume(original, methodSpec);
    wrapped[WRAPPED] = true;
    target[name] = wrapped;
  }
  return client;
}

function wrapPublish(original: Method, spec: PublishMethodSpec): Method {
  return function tracedPublishMethod(this: unknown, ...args: unknown[]) {
    let description: PublishDescription;
    try {
      description = spec.describe(...args);
    } catch (err) {
      diag.warn('@spanwise/amqplib: instrumentClient describe() threw; publishing untraced', err);
      return original.apply(this, args);
    }
    const options = args[spec.optionsIndex] as AmqpPublishOptions | undefined;
    const destination = {
      exchange: description.exchange ?? '',
      routingKey: description.routingKey ?? '',
      messageId: description.messageId ?? options?.messageId,
      correlationId: description.correlationId ?? options?.correlationId,
    };
    // The client itself leads to the broker socket (`server.address`/`server.port`) when it holds a channel.
    return publishInSpan({ destination, connection: this }, options, (carried) => {
      const callArgs = args.slice();
      while (callArgs.length < spec.optionsIndex) callArgs.push(undefined);
      callArgs[spec.optionsIndex] = carried;
      return original.apply(this, callArgs);
    });
  };
}

function wrapConsume(original: Method, spec: ConsumeMethodSpec): Method {
  return function tracedConsumeMethod(this: unknown, ...args: unknown[]) {
    const client = this;
    const handler = args[spec.handlerIndex];
    let queue: string;
    try {
      queue = spec.describe(...args).queue;
    } catch (err) {
      diag.warn('@spanwise/amqplib: instrumentClient describe() threw; consuming untraced', err);
      return original.apply(this, args);
    }
    if (typeof handler !== 'function') return original.apply(this, args);
    const callArgs = args.slice();
    callArgs[spec.handlerIndex] = function tracedHandler(this: unknown, ...handlerArgs: unknown[]) {
      const msg = spec.message === undefined ? handlerArgs[0] : spec.message(...handlerArgs);
      if (msg === null || typeof msg !== 'object') return (handler as Method).apply(this, handlerArgs);
      const asMessage =
        'properties' in msg
          ? (msg as Parameters<typeof startConsumerSpan>[0])
          : { content: Buffer.alloc(0), fields: {}, properties: { headers: msg as Record<string, unknown> } };
      // The wrapper consumed through a channel the stock amqplib instrumentation patched: its CONSUMER span for
      // this message is already active, and a second one would double-count the message. It takes the name and
      // attributes Spanwise's own span would have, so they do not depend on whether the stock one is on.
      const active = trace.getActiveSpan();
      if (isStockConsumerSpan(active)) {
        adoptStockConsumerSpan(active, asMessage, queue, client);
        return (handler as Method).apply(this, handlerArgs);
      }
      const { span, ctx } = startConsumerSpan(asMessage, queue, client, spec);
      return runHandler(span, true, () => context.with(ctx, handler as Method, this, ...handlerArgs));
    };
    return original.apply(this, callArgs);
  };
}

const STOCK_SCOPE = '@opentelemetry/instrumentation-amqplib';

function isStockConsumerSpan(span: Span | undefined): span is Span {
  if (span === undefined || !span.isRecording()) return false;
  // SDK spans expose their kind and scope (ReadableSpan); other implementations simply never match.
  const readable = span as Span & { kind?: SpanKind; instrumentationScope?: { name?: string } };
  return readable.kind === SpanKind.CONSUMER && readable.instrumentationScope?.name === STOCK_SCOPE;
}
