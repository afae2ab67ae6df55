import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// A real Nest app (ES modules, --import register hook) whose TracingModule options come from runtime
// configuration through forRootAsync: a bad value is logged through Nest's logger with its default, and the
// app boots, serves and is traced as with the default (handler spans on).
const nestjsDir = join(__dirname, '..', 'packages', 'nestjs');

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it('a bad forRootAsync value does not stop a Nest app: it boots, serves, logs and uses the default', async () => {
  const proc = startNode(
    ['--import', '@spanwise/core/register', join('test', 'fixtures', 'bad-options-app.mjs')],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', TRACE_HANDLERS: 'off' },
    nestjsDir,
  );
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const response = await fetch(`http://127.0.0.1:${port}/hello/ada`);
    expect(await response.json()).toEqual({ greeting: 'hello, ada' });
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((s) => s.name)).toContain('HelloController.greet');
    expect(spans.map((s) => s.name)).toContain('GET /hello/:name');
    const output = `${proc.stdout()}${proc.stderr()}`;
    const warnings = output.split('\n').filter((line) => line.includes('[TracingModule]'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/WARN/);
    expect(warnings[0]).toContain(
      'TracingModule option "handlerSpans" is "off", not a boolean; using the default (true).',
    );
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});
