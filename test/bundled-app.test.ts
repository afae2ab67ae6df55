import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// A NestJS app bundled by esbuild as docs/bundlers.md says (dependencies external, --keep-names) is traced like
// the unbundled one; minified without --keep-names, the class names change and Spanwise says so once.
const fixtures = join(__dirname, 'fixtures', 'bundled');
let receiver: Receiver;
let out: string;

beforeAll(async () => {
  receiver = await startReceiver();
  // Inside test/, so the bundle's bare imports resolve from test/node_modules.
  out = mkdtempSync(join(__dirname, '.bundled-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(out, { recursive: true, force: true });
});

async function bundleAndServe(options: { keepNames: boolean; minify: boolean }) {
  const outfile = join(out, `main-${options.keepNames}-${options.minify}.mjs`);
  await build({
    entryPoints: [join(fixtures, 'main.mjs')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'silent',
    ...options,
  });
  receiver.clear();
  const proc = startNode(
    ['--import', '@spanwise/core/register', outfile],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    out,
  );
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    expect(await (await fetch(`http://127.0.0.1:${port}/orders`)).json()).toEqual(['a', 'b']);
    const spans = await receiver.waitForSpans(3);
    return { names: spans.map((span) => span.name), stderr: proc.stderr() };
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}

it('bundled with --keep-names and external packages: the same spans as unbundled, no warning', async () => {
  const { names, stderr } = await bundleAndServe({ keepNames: true, minify: true });
  expect(names).toEqual(
    expect.arrayContaining(['GET /orders', 'OrdersController.list', 'OrdersService.list']),
  );
  // Express, loaded by @nestjs/platform-express, is left uninstrumented in a Nest app (docs/nestjs.md).
  expect(names).not.toContain('request handler');
  expect(stderr).toBe('');
}, 120_000);

it('minified without --keep-names: warns once that the class names look renamed, naming the fix', async () => {
  const { stderr } = await bundleAndServe({ keepNames: false, minify: true });
  const warnings = stderr.match(/looks renamed by a bundler/g) ?? [];
  expect(warnings).toHaveLength(1);
  expect(stderr).toContain('esbuild --keep-names');
}, 120_000);
