import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker } from './support/broker.js';
import { runNode } from './support/run-node.js';

// @opentelemetry/api ships a CommonJS and an ES module build; each has its own tracer provider proxy. Whatever
// the entry style, every tracer must record once tracing starts: @spanwise/nestjs's (taken when its module
// loads), @spanwise/amqplib's and the app's own, from either copy, taken before or after startTracing().
const fixtures = join(__dirname, 'fixtures', 'dual-package');
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_PRODUCER = 4;
const broker = probeBroker();

const STARTS = [
  { name: '--require, CommonJS app', args: ['--require', '@spanwise/core/register', 'main.cjs'] },
  { name: '--require, ES module app', args: ['--require', '@spanwise/core/register', 'main.mjs'] },
  { name: '--import, ES module app', args: ['--import', '@spanwise/core/register', 'main.mjs'] },
  { name: 'startTracing() first in an ES module', args: ['from-code.mjs'] },
  { name: 'startTracing() in CommonJS, ES module tracer taken first', args: ['from-code.cjs'] },
];

describe.skipIf(skipWithoutBroker(broker))('one tracer provider for both API copies', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    requireBroker(broker);
    receiver = await startReceiver();
  });
  afterAll(() => receiver?.close());

  it.each(STARTS)('$name: nestjs, amqplib and the app tracer all record', async ({ args }) => {
    receiver.clear();
    const result = await runNode(
      args,
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', AMQP_URL },
      fixtures,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('answered 200');
    const spans = receiver.spans;
    const byName = (name: string) => spans.find((span) => span.name === name);
    const server = byName('GET /orders/:id');
    const handler = byName('OrdersController.get');
    const service = byName('OrdersService.place');
    const publish = spans.find((span) => span.kind === SPAN_KIND_PRODUCER);
    expect(server?.kind).toBe(SPAN_KIND_SERVER);
    expect(handler, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(service?.parentSpanId).toBe(handler?.spanId);
    for (const span of [byName('user-early work'), byName('user-late work'), publish]) {
      expect(span?.parentSpanId).toBe(service?.spanId);
    }
    // Express, loaded by @nestjs/platform-express, is left uninstrumented: Nest's handler span is the
    // server span's child, with no `request handler` span between them (as on Fastify).
    expect(handler?.parentSpanId).toBe(server?.spanId);
    expect(spans.some((span) => span.name.startsWith('request handler'))).toBe(false);
    expect(new Set([server, handler, service, publish].map((span) => span?.traceId)).size).toBe(1);
    if (args[0] === 'from-code.cjs') expect(byName('user-esm-early work')).toBeDefined();
  });
});
