import { join } from 'node:path';
import { startReceiver } from '@spanwise/cli';
import { expect, it } from 'vitest';
import { runNode, startNode } from './support/run-node.js';

const exampleDir = join(__dirname, '..', 'examples', 'esm-app');

it('examples/esm-app under --import: Express (an ES module import) and fetch are traced, one trace', async () => {
  const result = await runNode([join(exampleDir, 'run.js')], { NO_COLOR: '1' });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('GET /quote/ACME answered {"symbol":"ACME","ask":102.52}');
  expect(result.stdout.match(/^trace /gm)).toHaveLength(1);
  expect(result.stdout).toMatch(/^trace [0-9a-f]{32} · 6 spans/m);
  // The Express handler span exists only if the ESM loader hook intercepted `import express from 'express'`.
  expect(result.stdout).toMatch(/^esm-app +GET \/quote\/:symbol \(server\)/m);
  expect(result.stdout).toMatch(/└─ request handler/);
  expect(result.stdout).toMatch(/├─ GET \(client\)/);
  expect(result.stdout).toMatch(/└─ GET \/price\/:symbol \(server\)/);
  expect(result.stdout).toMatch(/└─ apply spread/);
});

it('examples/esm-app started with --require is traced as under --import, Express span included', async () => {
  const receiver = await startReceiver();
  const proc = startNode(
    ['--require', '@spanwise/core/register', 'app.js'],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', PORT: '0' },
    exampleDir,
  );
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    expect((await fetch(`http://127.0.0.1:${port}/quote/ACME`)).status).toBe(200);
    const spans = await receiver.waitForSpans(6);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    // `request handler` exists only if the import hooks intercepted `import express from 'express'`.
    const server = spans.find((span) => span.name === 'GET /quote/:symbol');
    const handler = spans.find(
      (span) => span.name === 'request handler' && span.parentSpanId === server?.spanId,
    );
    expect(handler).toBeDefined();
    expect(proc.stderr()).toBe('');
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
    await receiver.close();
  }
});
