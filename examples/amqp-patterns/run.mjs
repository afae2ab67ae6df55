// `node run.mjs`: starts `spanwise dev`, runs patterns.cjs with the register hook against the broker at
// AMQP_URL, and prints the waterfalls spanwise dev rendered: one trace per pattern.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from '../support/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = createRequire(import.meta.url)
  .resolve('@spanwise/cli/package.json')
  .replace(/package\.json$/, 'dist/cjs/bin.js');

const dev = startNode('spanwise dev', [cli, 'dev', '--port', '0', '--quiet-ms', '300'], {
  cwd: here,
  stderr: 'inherit',
});
const [, url] = await dev.waitFor(/listening on (http:\S+)/);
const app = startNode('patterns.cjs', ['--require', '@spanwise/core/register', 'patterns.cjs'], {
  cwd: here,
  env: { OTEL_SERVICE_NAME: 'amqp-patterns', OTEL_EXPORTER_OTLP_ENDPOINT: url },
  stderr: 'inherit',
});
const [code] = await once(app.child, 'exit');
if (code !== 0) throw new Error(`patterns.cjs exited with ${code}`);
await dev.waitFor(/request direct reply-to[\s\S]*publish \(temporary\)/);
dev.child.kill('SIGINT');
await once(dev.child, 'exit');
process.stdout.write(`${app.stdout()}\nspanwise dev printed:\n\n${dev.stdout()}`);
