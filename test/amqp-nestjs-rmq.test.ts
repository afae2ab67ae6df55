import { join } from 'node:path';
import { type ReceivedSpan, type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker } from './support/broker.js';
import { runNode } from './support/run-node.js';

// The whole NestJS RMQ story as users run it: --import @spanwise/core/register (stock amqplib instrumentation
// on), TracingModule on the server, TracedServerRMQ + TracedClientRMQ from @spanwise/amqplib/nestjs, spans
// over OTLP. The app is examples/amqp-patterns/nest-rmq.mjs.
const exampleDir = join(__dirname, '..', 'examples', 'amqp-patterns');
const RPC_COUNT = 200;
const WORK_MS = 30;
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const problem = probeBroker();

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver?.close());

it.skipIf(skipWithoutBroker(problem))(
  `NestJS RMQ: ${RPC_COUNT} concurrent RPCs, each one trace with a CLIENT span over the handler's real duration`,
  async () => {
    requireBroker(problem);
    const result = await runNode(
      ['--import', '@spanwise/core/register', 'nest-rmq.mjs'],
      {
        AMQP_URL,
        RPC_COUNT: String(RPC_COUNT),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
      exampleDir,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `nest rpc: ${RPC_COUNT}/${RPC_COUNT} replies carried their caller's trace`,
    );
    // Per RPC: request, CLIENT send, handler, reply PRODUCER; plus the event: request, PRODUCER, handler.
    const spans = await receiver.waitForSpans(RPC_COUNT * 4 + 3);
    const byTrace = new Map<string, ReceivedSpan[]>();
    for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
    expect(byTrace.size).toBe(RPC_COUNT + 1);

    for (const trace of byTrace.values()) {
      const root = trace.find((s) => s.parentSpanId === '');
      expect(root?.name).toMatch(/^request /);
      if (root?.name === 'request event') {
        expect(trace.map((s) => [s.kind, s.name]).sort()).toEqual(
          [
            [KIND.internal, 'request event'],
            [KIND.producer, expect.stringMatching(/^publish amqp-patterns\.nest\./)],
            [KIND.consumer, 'PricingController.audit'],
          ].sort(),
        );
        continue;
      }
      // No stock spans (`publish <default>`, `<queue> process`) and no span of another request.
      expect(trace).toHaveLength(4);
      const send = trace.find((s) => s.kind === KIND.client);
      const handler = trace.find((s) => s.name === 'PricingController.quote');
      const replied = trace.find((s) => s.name === 'publish (temporary)');
      expect(send?.parentSpanId).toBe(root?.spanId);
      expect(handler?.parentSpanId).toBe(send?.spanId);
      expect(replied?.parentSpanId).toBe(handler?.spanId);
      expect(replied?.kind).toBe(KIND.producer);
      expect(send?.links.map((l) => l.spanId)).toEqual([replied?.spanId]);
      const handlerNs = handler!.endTimeUnixNano - handler!.startTimeUnixNano;
      const sendNs = send!.endTimeUnixNano - send!.startTimeUnixNano;
      // The handler span covers the awaited work; the CLIENT span covers the handler (one process, one clock).
      expect(handlerNs).toBeGreaterThanOrEqual(BigInt((WORK_MS - 1) * 1e6));
      expect(send!.startTimeUnixNano).toBeLessThanOrEqual(handler!.startTimeUnixNano);
      expect(send!.endTimeUnixNano).toBeGreaterThanOrEqual(handler!.endTimeUnixNano);
      expect(sendNs).toBeGreaterThanOrEqual(handlerNs);
    }
  },
  60_000,
);
