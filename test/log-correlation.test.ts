import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from './support/log-lines.js';
import { startNode } from './support/run-node.js';

// pino and winston, loaded by a real app under the register hook: the lines written inside the HTTP server
// span carry that span's ids, and the lines written at start-up carry none.
const fixtures = join(__dirname, 'fixtures', 'logs');
const SPAN_KIND_SERVER = 2;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

async function runRequest(args: string[], extraEnv: Record<string, string> = {}) {
  const proc = startNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...extraEnv,
  });
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    const [server] = await receiver.waitForSpans(1);
    await proc.waitForLine(/"at":"request".*\n(?:.*\n)*.*"at":"request"/);
    return { server: server!, lines: jsonLines(proc.stdout()), stderr: proc.stderr() };
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}

describe.each([
  ['--require', 'loggers-app.cjs'],
  ['--import', 'loggers-app.mjs'],
  ['--import', 'loggers-app.cjs'],
])('node %s @spanwise/core/register %s', (flag, file) => {
  it('adds the active span ids to pino and winston lines, and nothing outside a span', async () => {
    const { server, lines, stderr } = await runRequest([
      flag,
      '@spanwise/core/register',
      join(fixtures, file),
    ]);
    expect(server.kind).toBe(SPAN_KIND_SERVER);
    for (const logger of ['pino', 'winston']) {
      const boot = lines.find((line) => line.logger === logger && line.at === 'boot');
      const request = lines.find((line) => line.logger === logger && line.at === 'request');
      expect(boot).toBeDefined();
      expect(boot).not.toHaveProperty('trace_id');
      expect(boot).not.toHaveProperty('span_id');
      expect(boot).not.toHaveProperty('trace_flags');
      expect(request).toMatchObject({ trace_id: server.traceId, span_id: server.spanId, trace_flags: '01' });
    }
    expect(stderr).toBe('');
  });
});

it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino,winston turns the correlation off, and the spans stay', async () => {
  const { server, lines } = await runRequest(
    ['--require', '@spanwise/core/register', join(fixtures, 'loggers-app.cjs')],
    { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino,winston' },
  );
  expect(server.kind).toBe(SPAN_KIND_SERVER);
  expect(lines.filter((line) => line.at === 'request')).toHaveLength(2);
  for (const line of lines) expect(line).not.toHaveProperty('trace_id');
});
