import type { ReadPacket, WritePacket } from '@nestjs/microservices';
import { ClientRMQ, RmqRecord } from '@nestjs/microservices';
import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { AmqpChannel, AmqpMessage } from '../amqp-types.js';
import { extractContext, injectContext, lockPropagationFields } from '../context-carrier.js';
import { startPublishSpan } from '../publish-span.js';
import { rawConsume, runSuppressed, runUntraced } from '../raw-channel.js';
import { recordError } from '../span-status.js';

const PATTERN_ATTRIBUTE = 'messaging.nestjs.pattern';

function patternText(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  try {
    return JSON.stringify(pattern) ?? String(pattern);
  } catch {
    return String(pattern);
  }
}

/** The packet with `ctx` injected into its RMQ headers; an existing `RmqRecord` keeps its options. */
function withContext(packet: ReadPacket, ctx: Context): ReadPacket {
  const record = packet.data instanceof RmqRecord ? packet.data : undefined;
  const options = record?.options ?? {};
  const headers = injectContext(options.headers, ctx) as Record<string, string>;
  return {
    ...packet,
    data: new RmqRecord(record === undefined ? packet.data : record.data, { ...options, headers }),
  };
}

/**
 * Nest's RabbitMQ `ClientProxy` with tracing: `send` gets a CLIENT span `send <queue>` covering the round trip
 * (linked to the reply's context) and `emit` a PRODUCER span `publish <queue>`; the span's context goes into the
 * message headers (`RmqRecord` options), and the subscriber's callbacks run in the caller's context, never in
 * the reply's. Use it as `customClass` in `ClientsModule.register`, or construct it like `ClientRMQ`.
 */
export class TracedClientRMQ extends ClientRMQ {
  private readonly inFlight = new Map<string, Span>();

  /**
   * Connects with tracing suppressed: amqp-connection-manager later publishes queued messages from the context
   * its connection was created in, which would otherwise be the first caller's request.
   */
  override connect(): Promise<unknown> {
    return runUntraced(() => super.connect());
  }

  /** The headers of every outgoing message, with the propagation fields locked against a later overwrite. */
  protected override mergeHeaders(
    requestHeaders?: Record<string, string>,
  ): Record<string, string> | undefined {
    const merged = super.mergeHeaders(requestHeaders);
    return merged === undefined ? merged : (lockPropagationFields(merged) as Record<string, string>);
  }

  override async consumeChannel(channel: Parameters<ClientRMQ['consumeChannel']>[0]): Promise<void> {
    const noAck = this.getOptionsProp(this.options, 'noAck', true);
    // The raw consume: a stock amqplib instrumentation would otherwise hang a CONSUMER span for every reply
    // under the responder's publish, and run the caller's callbacks inside it.
    await rawConsume(
      channel as unknown as AmqpChannel,
      this.replyQueue,
      (msg: AmqpMessage | null) => {
        if (msg === null) return;
        const id = msg.properties.correlationId;
        const span = typeof id === 'string' ? this.inFlight.get(id) : undefined;
        const replyContext = span === undefined ? undefined : trace.getSpanContext(extractContext(msg));
        // A responder that copied the request's traceparent back sends this span's own context: no self-link.
        if (
          span !== undefined &&
          replyContext !== undefined &&
          replyContext.spanId !== span.spanContext().spanId
        ) {
          span.addLink({ context: replyContext });
        }
        this.responseEmitter.emit(id as string, msg);
      },
      { noAck },
    );
  }

  protected override publish(message: ReadPacket, callback: (packet: WritePacket) => unknown): () => void {
    const parent = context.active();
    const { span, ctx } = startPublishSpan(
      { kind: SpanKind.CLIENT, destination: { exchange: '', routingKey: this.queue }, connection: this },
      parent,
    );
    span.setAttribute(PATTERN_ATTRIBUTE, patternText(message.pattern));
    const packet = withContext(message, ctx);
    let correlationId: string | undefined;
    let ended = false;
    const end = (err?: unknown) => {
      if (ended) return;
      ended = true;
      if (correlationId !== undefined) this.inFlight.delete(correlationId);
      if (err !== undefined && err !== null) recordError(span, err);
      span.end();
    };
    const tracedCallback = (reply: WritePacket) => {
      if (reply.err !== undefined && reply.err !== null) end(reply.err);
      else if (reply.isDisposed === true) end();
      return context.with(parent, callback, undefined, reply);
    };
    const cleanup = runSuppressed(ctx, () => super.publish(packet, tracedCallback));
    // super.publish assigns the correlation id to the packet it serialised.
    correlationId = (packet as ReadPacket & { id?: string }).id;
    if (!ended && correlationId !== undefined) this.inFlight.set(correlationId, span);
    return () => {
      end();
      cleanup();
    };
  }

  protected override dispatchEvent(packet: ReadPacket): Promise<unknown> {
    const { span, ctx } = startPublishSpan({
      destination: { exchange: '', routingKey: this.queue },
      connection: this,
    });
    span.setAttribute(PATTERN_ATTRIBUTE, patternText(packet.pattern));
    let sent: Promise<unknown>;
    try {
      sent = runSuppressed(ctx, () => super.dispatchEvent(withContext(packet, ctx)));
    } catch (err) {
      recordError(span, err);
      span.end();
      throw err;
    }
    return sent.then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        recordError(span, err);
        span.end();
        throw err;
      },
    );
  }
}
