import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker } from './support/broker.js';
import { runNode } from './support/run-node.js';

const RUN = join(__dirname, '..', 'examples', 'shop', 'run.mjs');
const work = mkdtempSync(join(tmpdir(), 'spanwise-demo-shop-'));
const problem = probeBroker();

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface FlatSpan {
  service: string;
  traceId: string;
  name: string;
  kind: number;
  error: boolean;
}

/** The spans `spanwise dev --out` wrote, read independently of the demo's own check. */
function readSpans(file: string): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans) {
      const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name').value
        .stringValue as string;
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans.push({
            service,
            traceId: s.traceId,
            name: s.name,
            kind: s.kind,
            error: s.status?.code === 2,
          });
        }
      }
    }
  }
  return spans;
}

/** Spans by trace id. */
function byTrace(spans: FlatSpan[]): Map<string, FlatSpan[]> {
  const traces = new Map<string, FlatSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

// `pnpm demo` in its non-interactive mode: the whole system against the real broker.
it.skipIf(skipWithoutBroker(problem))(
  'the shop demo gives one connected trace per request across gateway, orders and notifications',
  async () => {
    requireBroker(problem);
    const spansFile = join(work, 'full.jsonl');
    // NO_COLOR: spanwise dev colours its output under CI=true, and the assertions read plain text.
    const result = await runNode([RUN, '--check'], { AMQP_URL, NO_COLOR: '1', SHOP_SPANS_FILE: spansFile });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(
      'check passed: 3 requests, one connected trace each, spanning gateway -> orders -> notifications',
    );
    expect(result.stdout).toMatch(/^normal +POST \/orders .* -> 201 /m);
    expect(result.stdout).toMatch(/^slow +POST \/orders .* -> 201 /m);
    expect(result.stdout).toMatch(/^failing +POST \/orders .* -> 402 .*card declined by issuer/m);
    expect(result.stdout.match(/^trace [0-9a-f]{32} · /gm)).toHaveLength(3);

    const traces = byTrace(readSpans(spansFile));
    expect(traces.size).toBe(3);
    for (const spans of traces.values()) {
      expect(new Set(spans.map((span) => span.service))).toEqual(
        new Set(['gateway', 'orders', 'notifications']),
      );
      const names = spans.map((span) => `${span.service} ${span.name}`);
      expect(names).toContain('gateway POST /orders');
      expect(names).toContain('orders OrdersController.place');
      expect(names).toContain('orders StockService.reserve');
      expect(names).toContain('notifications MailerService.send');
      // One PRODUCER span to the notifications queue, one CONSUMER span on the other side.
      expect(
        spans.filter(
          (span) => span.service === 'orders' && span.kind === 4 && /notifications/.test(span.name),
        ),
      ).toHaveLength(1);
      expect(spans.filter((span) => span.service === 'notifications' && span.kind === 5)).toHaveLength(1);
      if (!result.stdout.includes('Redis is unreachable')) expect(names).toContain('orders hincrby');
    }
    const failing = [...traces.values()].filter((spans) =>
      spans.some((span) => span.name === 'PaymentService.charge' && span.error),
    );
    expect(failing).toHaveLength(1);
  },
  90_000,
);

it('without RabbitMQ the demo says how to start it and still traces the gateway', async () => {
  const spansFile = join(work, 'http-only.jsonl');
  const result = await runNode([RUN, '--check'], {
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
    NO_COLOR: '1',
    SHOP_SPANS_FILE: spansFile,
  });
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stdout).toContain('RabbitMQ is unreachable at amqp://guest:guest@127.0.0.1:1');
  expect(result.stdout).toContain('Start RabbitMQ with `rabbitmq-server -detached`');
  expect(result.stdout).toContain('check passed: 3 requests, one connected trace each, spanning gateway\n');
  const traces = byTrace(readSpans(spansFile));
  expect(traces.size).toBe(3);
  for (const spans of traces.values()) {
    expect(spans.map((span) => span.name)).toEqual(
      expect.arrayContaining(['POST /orders', 'OrdersController.place', 'CatalogService.total']),
    );
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['gateway']));
  }
}, 90_000);
