import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from './support/log-lines.js';
import { startNode } from './support/run-node.js';

// pino as apps configure it (a mixin, a mixinMergeStrategy, a child logger, a log formatter, redaction, an
// error, pino-http), under the register hook: the user's options keep working, the lines written inside the
// server span carry its ids, the start-up lines carry none, and a line that brings its own trace_id keeps it
// and gets no second one.
const fixtures = join(__dirname, 'fixtures', 'logs');
const CORRELATED = ['mixin', 'mergeStrategy', 'child', 'formatters', 'timed', 'redact'] as const;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

describe.each([
  ['--require', 'pino-options-app.cjs'],
  ['--import', 'pino-options-app.mjs'],
])('node %s @spanwise/core/register %s', (flag, file) => {
  it("adds the server span's ids next to the user's mixin, strategy, bindings and fields", async () => {
    const proc = startNode([flag, '@spanwise/core/register', join(fixtures, file)], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      // A child logger bound to its own trace_id writes too: each line must still carry one trace_id.
      PINO_BOUND_IDS: '1',
    });
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      const [server] = await receiver.waitForSpans(1);
      await proc.waitForLine(/"case":"pino-http"/);
      await proc.waitForLine(/"case":"redact","at":"request"/);
      const output = proc.stdout();
      const lines = jsonLines(output);
      const ids = { trace_id: server!.traceId, span_id: server!.spanId, trace_flags: '01' };
      const line = (name: string, at?: string) =>
        lines.find((l) => l.case === name && (at === undefined || l.at === at));
      const error = (at: string) => lines.find((l) => (l.err as { at?: string } | undefined)?.at === at);

      for (const name of CORRELATED) {
        expect(line(name, 'boot')).toBeDefined();
        expect(line(name, 'boot')).not.toHaveProperty('trace_id');
        expect(line(name, 'boot')).not.toHaveProperty('span_id');
        expect(line(name, 'request')).toMatchObject(ids);
      }
      expect(line('mixin', 'request')).toMatchObject({ tenant: 't1' });
      expect(line('mergeStrategy', 'request')).toMatchObject({ tenant: 'from-mixin' });
      expect(line('child', 'request')).toMatchObject({ component: 'orders' });
      expect(line('formatters', 'request')).toMatchObject({ formatted: true });
      expect(line('timed', 'request')?.time).toEqual(expect.any(Number));
      expect(line('redact', 'request')).toMatchObject({ password: '[Redacted]' });
      expect(error('boot')).toBeDefined();
      expect(error('boot')).not.toHaveProperty('trace_id');
      expect(error('request')).toMatchObject({ ...ids, err: { message: 'boom' } });
      expect(line('pino-http')).toMatchObject({ ...ids, req: { method: 'GET', url: '/' } });

      for (const raw of output.split('\n'))
        expect(raw.match(/"trace_id"/g)?.length ?? 0).toBeLessThanOrEqual(1);
      const own = output.split('\n').filter((l) => l.includes('"case":"own-ids"'));
      expect(own).toHaveLength(2);
      for (const raw of own) {
        expect(raw.match(/"trace_id"/g)).toHaveLength(1);
        expect(JSON.parse(raw)).toMatchObject({ trace_id: 'mine' });
        expect(JSON.parse(raw)).not.toHaveProperty('span_id');
      }
      expect(proc.stderr()).toBe('');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});

it('a request whose caller did not sample it: its lines carry the trace, a span id of their own and trace_flags 00', async () => {
  const proc = startNode(['--require', '@spanwise/core/register', join(fixtures, 'pino-options-app.cjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { traceparent: `00-${traceId}-${parentId}-00` },
    });
    expect(await res.text()).toBe('ok');
    await proc.waitForLine(/"case":"redact","at":"request"/);
    const lines = jsonLines(proc.stdout()).filter((l) => l.at === 'request' && l.case !== 'own-ids');
    expect(lines).toHaveLength(CORRELATED.length);
    for (const l of lines) {
      expect(l, String(l.case)).toMatchObject({ trace_id: traceId, trace_flags: '00' });
      expect(l.span_id, String(l.case)).toMatch(/^[0-9a-f]{16}$/);
      expect(l.span_id, String(l.case)).not.toBe(parentId);
    }
    // Not sampled: nothing is exported.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.spans).toEqual([]);
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});

it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino leaves every pino line as the user wrote it', async () => {
  const proc = startNode(['--require', '@spanwise/core/register', join(fixtures, 'pino-options-app.cjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino',
  });
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    await receiver.waitForSpans(1);
    await proc.waitForLine(/"case":"redact","at":"request"/);
    const lines = jsonLines(proc.stdout());
    expect(lines.filter((l) => l.at === 'request')).toHaveLength(CORRELATED.length + 1);
    expect(lines.filter((l) => (l.err as { at?: string } | undefined)?.at === 'request')).toHaveLength(1);
    for (const l of lines) expect(l.case === 'own-ids' ? l.trace_id : l).not.toHaveProperty('trace_id');
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});
