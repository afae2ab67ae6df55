import { KafkaContext, MqttContext, NatsContext, RmqContext, TcpContext } from '@nestjs/microservices';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { messageParentContext } from '../src/message-context.js';
import { setupTracing } from './support/otel.js';

setupTracing();

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** Multi-valued headers the way NATS (MsgHdrs) and gRPC (Metadata) expose them. */
class GetterHeaders {
  constructor(private readonly values: Record<string, string[]>) {}
  get(key: string): string[] {
    return this.values[key] ?? [];
  }
  keys(): string[] {
    return Object.keys(this.values);
  }
  getMap(): Record<string, string> {
    return {};
  }
}

const transports: [string, unknown][] = [
  [
    'RMQ properties.headers (Buffer value)',
    new RmqContext([{ properties: { headers: { traceparent: Buffer.from(TRACEPARENT) } } }, {}, 'p']),
  ],
  [
    'Kafka message headers',
    new KafkaContext([
      { headers: { traceparent: Buffer.from(TRACEPARENT) } } as never,
      0,
      't',
      {} as never,
      async () => {},
      {} as never,
    ]),
  ],
  ['TCP packet metadata', new TcpContext([{} as never, 'p', { traceparent: TRACEPARENT }])],
  ['NATS headers', new NatsContext(['subject', new GetterHeaders({ traceparent: [TRACEPARENT] })])],
  [
    'MQTT 5 user properties',
    new MqttContext(['topic', { properties: { userProperties: { Traceparent: TRACEPARENT } } }]),
  ],
  ['gRPC metadata', new GetterHeaders({ traceparent: [TRACEPARENT] })],
];

describe('messageParentContext', () => {
  it.each(transports)('reads the context from %s', (_name, rpcContext) => {
    const parent = trace.getSpanContext(messageParentContext(rpcContext, ROOT_CONTEXT));
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
  });

  it('keeps the active span when it already belongs to the message trace', () => {
    const carried = propagation.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT });
    const consumer = trace.getTracer('amqplib').startSpan('consume', {}, carried);
    const active = trace.setSpan(context.active(), consumer);
    const rpcContext = new RmqContext([{ properties: { headers: { traceparent: TRACEPARENT } } }, {}, 'p']);
    expect(trace.getSpanContext(messageParentContext(rpcContext, active))?.spanId).toBe(
      consumer.spanContext().spanId,
    );
    consumer.end();
  });

  it('falls back to the active context when the message carries none', () => {
    const rpcContext = new RmqContext([{ properties: { headers: {} } }, {}, 'p']);
    expect(messageParentContext(rpcContext, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    expect(messageParentContext(undefined, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
  });
});
