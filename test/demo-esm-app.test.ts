import { join } from 'node:path';
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

it('examples/esm-app started with --require instead says to use --import', async () => {
  const proc = startNode(
    ['--require', '@spanwise/core/register', 'app.js'],
    { OTEL_TRACES_EXPORTER: 'none', PORT: '0' },
    exampleDir,
  );
  await proc.waitForLine(/listening \d+/);
  proc.child.kill('SIGTERM');
  await proc.exited;
  expect(proc.stderr()).toMatch(
    /app\.js is an ES module, which --require cannot instrument; start node with --import @spanwise\/core\/register instead/,
  );
});
