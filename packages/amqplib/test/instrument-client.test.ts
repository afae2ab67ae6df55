import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpPublishOptions, instrumentClient } from '../src/index.js';
import { setupTracing, spanNamed, type TestTracing } from './helpers/tracing.js';

let tracing: TestTracing;
beforeAll(() => {
  tracing = setupTracing();
});
afterEach(() => {
  tracing.exporter.reset();
});
afterAll(async () => {
  await tracing.shutdown();
});

/** Records what reaches the "channel" below the wrapper. */
class FakeBus {
  sent: Array<{ queue: string; options: AmqpPublishOptions | undefined }> = [];
  send(queue: string, _body: string, options?: AmqpPublishOptions): boolean {
    this.sent.push({ queue, options });
    return true;
  }
  async sendAsync(queue: string, options?: AmqpPublishOptions): Promise<void> {
    this.sent.push({ queue, options });
    throw new RangeError('broker said no');
  }
  handlers: Array<(payload: string, raw: unknown) => unknown> = [];
  subscribe(_queue: string, handler: (payload: string, raw: unknown) => unknown): void {
    this.handlers.push(handler);
  }
}

const sendSpec = {
  kind: 'publish',
  describe: (q: unknown) => ({ routingKey: q as string }),
  optionsIndex: 2,
} as const;

describe('instrumentClient', () => {
  it('wraps a publish method: one PRODUCER span, its context in a copy of the options', () => {
    const bus = instrumentClient(new FakeBus(), { send: sendSpec });
    const options = Object.freeze({ messageId: 'm-7', headers: Object.freeze({ a: '1' }) });
    const parent = trace.getTracer('t').startSpan('caller');
    context.with(trace.setSpan(ROOT_CONTEXT, parent), () => bus.send('orders', 'x', options));
    parent.end();
    const producer = spanNamed(tracing.spans(), 'publish orders');
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(producer.attributes['messaging.message.id']).toBe('m-7');
    const sent = bus.sent[0]?.options;
    expect(sent).not.toBe(options);
    expect(sent?.headers.a).toBe('1');
    expect(sent?.headers.traceparent).toContain(producer.spanContext().spanId);
    expect(options.headers).toEqual({ a: '1' });
  });

  it('creates missing options, and ends the span with ERROR when the returned promise rejects', async () => {
    const bus = instrumentClient(new FakeBus(), {
      sendAsync: { kind: 'publish', describe: (q) => ({ routingKey: q as string }), optionsIndex: 1 },
    });
    await expect(bus.sendAsync('billing')).rejects.toThrow('broker said no');
    expect(bus.sent[0]?.options?.headers.traceparent).toMatch(/^00-/);
    const span = spanNamed(tracing.spans(), 'publish billing');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('RangeError');
  });

  it('never wraps twice, skips non-methods and publishes untraced when describe throws', () => {
    const bus = new FakeBus();
    instrumentClient(bus, { send: sendSpec });
    const once = bus.send;
    instrumentClient(bus, { send: sendSpec });
    expect(bus.send).toBe(once);
    expect(() => instrumentClient(bus, { sent: sendSpec } as never)).not.toThrow();
    const broken = instrumentClient(new FakeBus(), {
      send: {
        kind: 'publish',
        describe: () => {
          throw new Error('bad describe');
        },
        optionsIndex: 2,
      },
    });
    expect(broken.send('q', 'x')).toBe(true);
    expect(broken.sent).toEqual([{ queue: 'q', options: undefined }]);
    expect(tracing.spans()).toHaveLength(0);
  });

  it('wraps a consume method: the handler runs in a CONSUMER span parented to the message headers', async () => {
    const bus = instrumentClient(new FakeBus(), {
      subscribe: {
        kind: 'consume',
        describe: (q) => ({ queue: q as string }),
        handlerIndex: 1,
        message: (_payload, raw) => raw,
      },
    });
    const seen: string[] = [];
    bus.subscribe('orders', async () => {
      await Promise.resolve();
      seen.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const raw = { content: Buffer.from('{}'), fields: {}, properties: { headers: { traceparent } } };
    await bus.handlers[0]?.('{}', raw);
    expect(seen).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    const consumer = spanNamed(tracing.spans(), 'process orders');
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });
});
