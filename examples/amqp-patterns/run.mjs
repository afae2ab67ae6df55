// `node run.mjs`: starts `spanwise dev`, runs patterns.cjs with the register hook against the broker at
// AMQP_URL, and prints the waterfalls spanwise dev rendered: one trace per pattern.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = createRequire(import.meta.url)
  .resolve('@spanwise/cli/package.json')
  .replace(/package\.json$/, 'dist/cjs/bin.js');

function start(args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: here,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
  });
  const waitFor = (pattern) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = out.match(pattern);
        if (match) {
          child.stdout.off('data', check);
          resolve(match);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before ${pattern}`)));
      check();
    });
  return { child, waitFor, output: () => out };
}

const dev = start([cli, 'dev', '--port', '0', '--quiet-ms', '300']);
const [, url] = await dev.waitFor(/listening on (http:\S+)/);
const app = start(['--require', '@spanwise/core/register', 'patterns.cjs'], {
  OTEL_SERVICE_NAME: 'amqp-patterns',
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
});
const [code] = await once(app.child, 'exit');
if (code !== 0) throw new Error(`patterns.cjs exited with ${code}`);
await dev.waitFor(/request direct reply-to[\s\S]*publish \(temporary\)/);
dev.child.kill('SIGINT');
await once(dev.child, 'exit');
process.stdout.write(`${app.output()}\nspanwise dev printed:\n\n${dev.output()}`);
