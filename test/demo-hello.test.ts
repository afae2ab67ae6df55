import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runNode } from './support/run-node.js';

it('the README demo prints one connected trace for one request', async () => {
  // NO_COLOR: spanwise dev colours its output on a TTY or under CI; the assertions read plain text.
  const result = await runNode([join(__dirname, '..', 'examples', 'hello', 'run.mjs')], { NO_COLOR: '1' });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('GET /hello answered "hello, world"');
  expect(result.stdout).toMatch(/trace [0-9a-f]{32} · 4 spans/);
  expect(result.stdout.match(/^trace /gm)).toHaveLength(1);
  expect(result.stdout).toContain('compose greeting');
});
