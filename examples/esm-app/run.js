// `node run.js`: starts `spanwise dev` on a free port, starts app.js with `node --import
// @spanwise/core/register`, sends one request, stops the app with SIGTERM (which flushes its spans) and
// prints the waterfall.
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

const dev = start([cli, 'dev', '--port', '0', '--quiet-ms', '200']);
const [, url] = await dev.waitFor(/listening on (http:\S+)/);
const app = start(['--import', '@spanwise/core/register', 'app.js'], {
  OTEL_SERVICE_NAME: 'esm-app',
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  PORT: '0',
});
const [, port] = await app.waitFor(/listening (\d+)/);
const body = await (await fetch(`http://127.0.0.1:${port}/quote/ACME`)).text();
app.child.kill('SIGTERM');
await once(app.child, 'exit');
await dev.waitFor(/apply spread/);
dev.child.kill('SIGINT');
await once(dev.child, 'exit');
process.stdout.write(`GET /quote/ACME answered ${body}; spanwise dev printed:\n\n${dev.output()}`);
