import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// Ignored requests (health checks, probes) make no span, start no trace and send no trace headers from the
// calls they make; the other requests of the same app are traced as usual.
const app = join(__dirname, 'fixtures', 'core', 'ignore-app.cjs');
const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

async function echoedHeaders(port: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return (await response.json()) as Record<string, string>;
}

async function expectOnlyTraced(
  args: string[],
  env: Record<string, string>,
  ignored: { path: string; headers?: Record<string, string> }[],
) {
  const proc = startNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...env,
  });
  let traceId: string | undefined;
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    for (const { path, headers } of ignored) {
      const echoed = await echoedHeaders(port!, path, { traceparent: PARENT, ...headers });
      expect(echoed, path).not.toHaveProperty('traceparent');
    }
    const traced = await echoedHeaders(port!, '/orders');
    expect(traced.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    traceId = traced.traceparent!.split('-')[1];
    await receiver.waitForSpans(2);
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  // Everything exported, flushed at exit, is the traced request's: its server span and its client span.
  expect(receiver.spans.map((span) => span.attributes['url.path'] ?? span.name).sort()).toEqual([
    '/orders',
    'GET',
  ]);
  for (const span of receiver.spans) expect(span.traceId).toBe(traceId);
  expect(proc.stderr()).toBe('');
}

it('SPANWISE_HTTP_IGNORE_PATHS: exact paths and prefixes make no span and suppress tracing', async () => {
  await expectOnlyTraced(
    ['--require', '@spanwise/core/register', app],
    { SPANWISE_HTTP_IGNORE_PATHS: '/health, /internal/*,/echo' },
    [{ path: '/health' }, { path: '/health?full=1' }, { path: '/internal/metrics' }, { path: '/internal/' }],
  );
});

it('TracingOptions.http.ignoreIncomingRequest ignores the requests it returns true for', async () => {
  await expectOnlyTraced([app], { APP_START_TRACING: '1' }, [
    { path: '/orders', headers: { 'user-agent': 'kube-probe/1.31' } },
  ]);
});
