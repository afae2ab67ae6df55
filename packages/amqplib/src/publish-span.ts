import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { AmqpPublishOptions } from './amqp-types.js';
import { carryContext } from './context-carrier.js';
import { runSuppressed } from './raw-channel.js';
import {
  ATTR_OPERATION_NAME,
  ATTR_OPERATION_TYPE,
  ATTR_SERVER_ADDRESS,
  addServerAttributes,
  destinationLabel,
  type MessageDestination,
  messageAttributes,
} from './semconv.js';
import { recordError } from './span-status.js';
import { getTracer } from './tracer.js';

/** Span shape of one outgoing message. */
export interface PublishSpanSpec {
  destination: MessageDestination;
  /** `PRODUCER` for fire-and-forget, `CLIENT` when the span covers a request and its reply. */
  kind?: SpanKind;
  connection?: unknown;
}

/** Starts the span for an outgoing message in the active context and returns it with its context. */
export function startPublishSpan(spec: PublishSpanSpec, parent: Context = context.active()) {
  const kind = spec.kind ?? SpanKind.PRODUCER;
  const operation = kind === SpanKind.CLIENT ? 'send' : 'publish';
  const attributes = messageAttributes(spec.destination, spec.connection);
  attributes[ATTR_OPERATION_TYPE] = 'send';
  attributes[ATTR_OPERATION_NAME] = operation;
  const span = getTracer().startSpan(
    `${operation} ${destinationLabel(spec.destination)}`,
    { kind, attributes },
    parent,
  );
  // Whether the broker's address was found now: a deferred sender's is looked up again once it has sent.
  const addressKnown = attributes[ATTR_SERVER_ADDRESS] !== undefined;
  return { span, ctx: trace.setSpan(parent, span), addressKnown };
}

/**
 * Publishes one message under a PRODUCER span: the span's context goes into a copy of the headers, and
 * `send` runs with tracing suppressed so a stock amqplib instrumentation below neither starts a second span
 * nor overwrites the header. `send` receives the new options; the caller's options are not touched.
 *
 * When `callback` is given (confirm channels), the span ends when it is called and it runs in the caller's
 * context; otherwise the span ends when `send` returns or its promise settles.
 */
export function publishInSpan<R>(
  spec: PublishSpanSpec,
  options: AmqpPublishOptions | undefined,
  send: (options: AmqpPublishOptions, callback?: (err: unknown, ok?: unknown) => void) => R,
  callback?: (err: unknown, ok?: unknown) => void,
): R {
  const parent = context.active();
  const { span, ctx, addressKnown } = startPublishSpan(spec, parent);
  const carried = carryContext(options, ctx);
  // A deferred sender (amqp-connection-manager) may connect only after the span started: the broker's address,
  // if it was not found then, is looked up again when the message has left.
  const end = (): void => {
    if (!addressKnown && span.isRecording()) {
      const late = {};
      addServerAttributes(late, spec.connection);
      span.setAttributes(late);
    }
    span.end();
  };
  const confirm =
    callback === undefined
      ? undefined
      : (err: unknown, ok?: unknown) => {
          if (err) recordError(span, err, 'nack');
          end();
          context.with(parent, callback, undefined, err, ok);
        };
  let result: R;
  try {
    result = runSuppressed(ctx, () => send(carried, confirm));
  } catch (err) {
    recordError(span, err);
    end();
    throw err;
  }
  if (confirm === undefined) endWith(span, result, end);
  return result;
}

function endWith(span: Span, result: unknown, end: () => void): void {
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as Promise<unknown>).then === 'function'
  ) {
    (result as Promise<unknown>).then(end, (err: unknown) => {
      recordError(span, err);
      end();
    });
    return;
  }
  end();
}
