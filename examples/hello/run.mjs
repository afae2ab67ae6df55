// `pnpm demo`: starts `spanwise dev`, starts app.cjs with the register hook, sends one request, stops the app
// with SIGTERM (which flushes its spans) and prints the waterfall spanwise dev rendered.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from '../support/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = createRequire(import.meta.url)
  .resolve('@spanwise/cli/package.json')
  .replace(/package\.json$/, 'dist/cjs/bin.js');

const dev = startNode('spanwise dev', [cli, 'dev', '--port', '0', '--quiet-ms', '200'], {
  cwd: here,
  stderr: 'inherit',
});
const [, url] = await dev.waitFor(/listening on (http:\S+)/);
const app = startNode('app', ['--require', '@spanwise/core/register', 'app.cjs'], {
  cwd: here,
  env: { OTEL_SERVICE_NAME: 'hello', OTEL_EXPORTER_OTLP_ENDPOINT: url },
  stderr: 'inherit',
});
const [, port] = await app.waitFor(/listening (\d+)/);
const body = await (await fetch(`http://127.0.0.1:${port}/hello`)).text();
app.child.kill('SIGTERM');
await once(app.child, 'exit');
await dev.waitFor(/compose greeting/);
dev.child.kill('SIGINT');
await once(dev.child, 'exit');
process.stdout.write(`GET /hello answered "${body}"; spanwise dev printed:\n\n${dev.stdout()}`);
