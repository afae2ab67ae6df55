import { type Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { HeaderCarrier } from '@spanwise/headers';
import { amqpHeadersGetter, amqpHeadersSetter } from './amqp-headers.js';
import type { AmqpMessage, AmqpPublishOptions } from './amqp-types.js';

function copyHeaders(headers: unknown): HeaderCarrier {
  const out: HeaderCarrier = {};
  if (headers === null || typeof headers !== 'object') return out;
  try {
    for (const key of Object.keys(headers)) {
      // defineProperty, not assignment: a `__proto__` key stays an own header instead of a prototype swap.
      Object.defineProperty(out, key, {
        value: (headers as HeaderCarrier)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  } catch {
    // A headers object with throwing getters keeps whatever was copied before the throw.
  }
  return out;
}

/**
 * Returns a new headers object: a copy of `headers` plus the propagation fields of `ctx` (by default the
 * active context). The input is never mutated.
 */
export function injectContext(headers?: Record<string, unknown> | null, ctx: Context = context.active()) {
  const out = copyHeaders(headers);
  propagation.inject(ctx, out, amqpHeadersSetter);
  return out;
}

function isMessage(value: unknown): value is AmqpMessage {
  return value !== null && typeof value === 'object' && 'properties' in value && 'fields' in value;
}

/**
 * Reads the trace context (and baggage) carried by a delivered message or a headers table, on top of `base`
 * (default: the root context, so the consumer's ambient context never leaks into the message's).
 */
export function extractContext(msgOrHeaders: unknown, base: Context = ROOT_CONTEXT): Context {
  let headers: unknown = msgOrHeaders;
  try {
    if (isMessage(msgOrHeaders)) headers = msgOrHeaders.properties?.headers;
  } catch {
    headers = undefined;
  }
  if (headers === null || typeof headers !== 'object') return base;
  return propagation.extract(base, headers as HeaderCarrier, amqpHeadersGetter);
}

/**
 * Returns a copy of `options` whose headers carry `ctx` (by default the active context), for senders that
 * publish later from their own queue (amqp-connection-manager's ChannelWrapper, outboxes, batchers).
 *
 * The propagation fields are locked: a publish instrumentation that runs when the message finally leaves
 * cannot overwrite them with whatever context is active then. The caller's options and headers objects are
 * not mutated.
 */
export function carryContext<T extends AmqpPublishOptions>(options?: T, ctx: Context = context.active()): T {
  const headers = injectContext(options?.headers, ctx);
  lockPropagationFields(headers);
  return { ...(options as T), headers };
}

/** Makes the propagation fields already present in `headers` ignore later writes; returns `headers`. */
export function lockPropagationFields(headers: HeaderCarrier): HeaderCarrier {
  for (const field of propagation.fields()) {
    lockField(headers, field);
  }
  return headers;
}

function lockField(headers: HeaderCarrier, field: string): void {
  if (!Object.hasOwn(headers, field)) return;
  const value = headers[field];
  Object.defineProperty(headers, field, {
    enumerable: true,
    configurable: true,
    get: () => value,
    // Writes are ignored, not rejected: a strict-mode setter elsewhere must not throw mid-publish.
    set: () => {},
  });
}
