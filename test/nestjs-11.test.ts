import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

const nest11 = join(__dirname, 'nest11');
const SERVER = 2;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it('keeps working on NestJS 11: route-named server span, handler span and @Traced span in one trace', async () => {
  const proc = startNode(
    ['--require', './use-nest11.cjs', '--require', '@spanwise/core/register', 'app.cjs'],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    nest11,
  );
  const [, version, port] = await proc.waitForLine(/nest (\S+) listening (\d+)/);
  expect(version).toMatch(/^11\./);
  const res = await fetch(`http://127.0.0.1:${port}/hello/ada`);
  expect(await res.text()).toBe('hello, ada');
  const spans = await receiver.waitForSpans(3);
  proc.child.kill('SIGTERM');
  await proc.exited;
  const server = spans.find((s) => s.kind === SERVER);
  expect(server?.name).toBe('GET /hello/:name');
  expect(server?.attributes['http.route']).toBe('/hello/:name');
  const names = spans.map((s) => s.name);
  expect(names).toContain('HelloController.greet');
  expect(names).toContain('GreetingService.compose');
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  expect(proc.stderr()).toBe('');
});
