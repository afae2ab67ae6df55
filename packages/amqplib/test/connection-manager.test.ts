import { once } from 'node:events';
import { type Span, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type AmqpConnectionManager, type ChannelWrapper, connect } from 'amqp-connection-manager';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryContext, instrumentClient, tracedConsume } from '../src/index.js';
import {
  AMQP_URL,
  closeConnectionFromBroker,
  probeBroker,
  requireBroker,
  skipWithoutBroker,
  uniqueQueue,
} from './helpers/broker.js';
import { isChildOf, setupTracing, type TestTracing, waitFor } from './helpers/tracing.js';

const problem = probeBroker();

describe.skipIf(skipWithoutBroker(problem))(
  'amqp-connection-manager: each deferred message keeps its sender context',
  () => {
    let tracing: TestTracing;
    let consumerConn: ChannelModel;
    let manager: AmqpConnectionManager;
    let traced: ChannelWrapper;
    let plain: ChannelWrapper;
    let managerSpan: Span;
    let drains = 0;
    const queue = uniqueQueue('acm');
    const connectionName = `spanwise-acm-${queue}`;
    const requests = new Map<string, Span>();
    const tracer = () => trace.getTracer('test');

    beforeAll(async () => {
      requireBroker(problem);
      tracing = setupTracing();
      consumerConn = await amqp.connect(AMQP_URL);
      const ch = await consumerConn.createChannel();
      await ch.assertQueue(queue, { autoDelete: false });
      await tracedConsume(ch, queue, (msg) => {
        if (msg !== null) ch.ack(msg);
      });
    });

    afterAll(async () => {
      await manager?.close();
      const ch = await consumerConn?.createChannel();
      await ch?.deleteQueue(queue);
      await consumerConn?.close();
      await tracing?.shutdown();
    });

    function send(wrapper: ChannelWrapper, label: string, size = 16, viaCarry = false): Promise<boolean> {
      return tracer().startActiveSpan(`request ${label}`, (span) => {
        requests.set(label, span);
        const options = { messageId: label };
        const sent = wrapper.sendToQueue(
          queue,
          Buffer.alloc(size, 1),
          viaCarry ? carryContext(options) : options,
        );
        span.end();
        return sent;
      });
    }

    function spansOf(label: string): {
      producer: ReadableSpan | undefined;
      consumer: ReadableSpan | undefined;
    } {
      const spans = tracing.spans().filter((s) => s.attributes['messaging.message.id'] === label);
      return {
        producer: spans.find((s) => s.kind === SpanKind.PRODUCER),
        consumer: spans.find((s) => s.kind === SpanKind.CONSUMER),
      };
    }

    function expectOwnTrace(label: string, viaCarry = false): void {
      const request = requests.get(label)!;
      const { producer, consumer } = spansOf(label);
      expect(consumer, label).toBeDefined();
      if (viaCarry) {
        expect(isChildOf(consumer!, request.spanContext()), label).toBe(true);
        return;
      }
      expect(isChildOf(producer!, request.spanContext()), label).toBe(true);
      expect(isChildOf(consumer!, producer!), label).toBe(true);
    }

    it('messages sent before the manager connects', async () => {
      tracer().startActiveSpan('manager setup', (span) => {
        managerSpan = span;
        const url = new URL(AMQP_URL);
        url.searchParams.set('frameMax', '4096');
        manager = connect([url.href], {
          reconnectTimeInSeconds: 0.1,
          connectionOptions: { clientProperties: { connection_name: connectionName } },
        });
        const setup = (ch: { on(event: string, listener: () => void): unknown }) => {
          ch.on('drain', () => drains++);
        };
        traced = manager.createChannel({ confirm: true, setup });
        plain = manager.createChannel({ confirm: true });
        span.end();
      });
      instrumentClient(traced, {
        sendToQueue: { kind: 'publish', describe: (q) => ({ routingKey: q as string }), optionsIndex: 2 },
      });
      expect(manager.isConnected()).toBe(false);
      const sent = [send(traced, 'early-1'), send(traced, 'early-2'), send(plain, 'early-carry', 16, true)];
      await Promise.all(sent);
      await waitFor(() =>
        ['early-1', 'early-2', 'early-carry'].every((l) => spansOf(l).consumer !== undefined),
      );
      expectOwnTrace('early-1');
      expectOwnTrace('early-2');
      expectOwnTrace('early-carry', true);
      // Sent before any connection existed: the broker's address is known once the message has left.
      const url = new URL(AMQP_URL);
      for (const label of ['early-1', 'early-2']) {
        expect(spansOf(label).producer?.attributes, label).toMatchObject({
          'server.address': url.hostname,
          'server.port': Number(url.port || 5672),
        });
      }
      const managerTrace = managerSpan.spanContext().traceId;
      expect(tracing.spans().filter((s) => s.spanContext().traceId === managerTrace)).toHaveLength(1);
    });

    it('messages sent while the broker has closed the connection', async () => {
      const disconnected = once(manager, 'disconnect');
      expect(await closeConnectionFromBroker(connectionName)).toBe(1);
      await disconnected;
      const reconnected = once(manager, 'connect');
      expect(manager.isConnected()).toBe(false);
      const sent = [
        send(traced, 'reconnect-1'),
        send(traced, 'reconnect-2'),
        send(plain, 'reconnect-carry', 16, true),
      ];
      await reconnected;
      await Promise.all(sent);
      await waitFor(() =>
        ['reconnect-1', 'reconnect-2', 'reconnect-carry'].every((l) => spansOf(l).consumer !== undefined),
      );
      expectOwnTrace('reconnect-1');
      expectOwnTrace('reconnect-2');
      expectOwnTrace('reconnect-carry', true);
    });

    it("a consumer set up in the channel wrapper's setup function", async () => {
      const q = `${queue}.setup`;
      const consumerManager = connect([AMQP_URL]);
      let consumerWrapper!: ChannelWrapper;
      const handled = new Promise<string | undefined>((resolve) => {
        consumerWrapper = consumerManager.createChannel({
          setup: async (
            ch: Parameters<typeof tracedConsume>[0] & { assertQueue(q: string, o: object): Promise<unknown> },
          ) => {
            await ch.assertQueue(q, { autoDelete: true });
            await tracedConsume(ch, q, (msg) => {
              if (msg === null) return;
              ch.ack?.(msg);
              resolve(trace.getActiveSpan()?.spanContext().traceId);
            });
          },
        });
      });
      // Resolves once the setup function (queue + consumer) has run.
      await consumerWrapper.waitForConnect();
      const sent = tracer().startActiveSpan('request setup', (span) => {
        requests.set('setup', span);
        const done = traced.sendToQueue(q, Buffer.from('s'), { messageId: 'setup' });
        span.end();
        return done;
      });
      await sent;
      expect(await handled).toBe(requests.get('setup')?.spanContext().traceId);
      await waitFor(() => spansOf('setup').consumer !== undefined);
      expectOwnTrace('setup');
      await consumerManager.close();
    });

    it('messages queued behind backpressure', async () => {
      const labels = Array.from({ length: 40 }, (_, i) => `pressure-${i}`);
      // With 4 KiB frames, 40 messages of 256 KiB are ~2600 frames: more than amqplib's channel buffer takes in
      // one tick, so publish returns false and the wrapper sends the rest from the channel's 'drain' event.
      await Promise.all(labels.map((label) => send(traced, label, 256 * 1024)));
      expect(drains).toBeGreaterThan(0);
      await waitFor(() => labels.every((l) => spansOf(l).consumer !== undefined));
      for (const label of labels) expectOwnTrace(label);
    });
  },
);
