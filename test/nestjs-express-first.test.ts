import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// The other side of "no Express span in a Nest app": Spanwise leaves Express uninstrumented only when
// @nestjs/platform-express loads it. An app that loads Express itself first and hands it to Nest keeps
// Express's `request handler` span, between the server span and Nest's handler span, in one trace.
const app = join(__dirname, 'fixtures', 'nest-express-first', 'main.mjs');

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it.each(['--import', '--require'])(
  'node %s @spanwise/core/register: a Nest app that loads Express first keeps its request handler span',
  async (flag) => {
    receiver.clear();
    const proc = startNode([flag, '@spanwise/core/register', app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      const response = await fetch(`http://127.0.0.1:${port}/hello/ada`);
      expect(await response.json()).toEqual({ greeting: 'hello, ada' });
      await receiver.waitForSpans(4);
      const spans = receiver.spans;
      const byName = (name: string) => spans.filter((span) => span.name === name);
      const [server] = byName('GET /hello/:name');
      // Nest registers its routes on Express's router itself, so Express's span has no route in its name.
      const [express] = byName('request handler');
      const [handler] = byName('HelloController.greet');
      const [service] = byName('GreetingService.compose');
      expect(spans).toHaveLength(4);
      expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
      expect(express?.parentSpanId).toBe(server?.spanId);
      expect(express?.attributes['express.type']).toBe('request_handler');
      expect(express?.kind).toBe(1); // INTERNAL
      expect(handler?.parentSpanId).toBe(express?.spanId);
      expect(service?.parentSpanId).toBe(handler?.spanId);
      expect(proc.stderr()).toBe('');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  },
  30_000,
);
