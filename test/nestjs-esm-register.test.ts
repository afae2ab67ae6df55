import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// The example app is an ES module that imports NestJS 12 (itself ESM); it must be traced through the
// register hook loaded with --import, with TracingModule's spans in the same trace as the HTTP server span.
const exampleDir = join(__dirname, '..', 'examples', 'nest-basic');
const SPAN_KIND_SERVER = 2;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it('an ESM Nest app started with --import @spanwise/core/register yields one trace with Nest spans', async () => {
  const proc = startNode(
    ['--import', '@spanwise/core/register', 'main.mjs'],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', PORT: '0' },
    exampleDir,
  );
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const response = await fetch(`http://127.0.0.1:${port}/hello/ada`);
    const body = (await response.json()) as { greeting: string; traceId: string };
    expect(body.greeting).toBe('hello, ada');
    await receiver.waitForSpans(3);
    const spans = receiver.spans.filter((span) => span.traceId === body.traceId);
    const byName = (name: string) => spans.find((span) => span.name === name);
    const server = byName('GET /hello/:name');
    const handler = byName('HelloController.greet');
    const service = byName('GreetingService.compose');
    expect(server?.kind).toBe(SPAN_KIND_SERVER);
    expect(server?.attributes['http.route']).toBe('/hello/:name');
    expect(handler?.attributes['http.route']).toBe('/hello/:name');
    expect(service?.parentSpanId).toBe(handler?.spanId);
    // The handler span descends from the server span (through the Express layer span when that
    // instrumentation is on).
    const ancestors = new Set<string>();
    for (let span = handler; span !== undefined; span = spans.find((s) => s.spanId === span?.parentSpanId)) {
      ancestors.add(span.spanId);
    }
    expect(ancestors.has(server!.spanId)).toBe(true);
    expect(proc.stderr()).toBe('');
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});
