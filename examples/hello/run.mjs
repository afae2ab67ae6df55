// `pnpm demo`: starts `spanwise dev`, starts app.cjs with the register hook, sends one request, stops the app
// with SIGTERM (which flushes its spans) and prints the waterfall spanwise dev rendered.
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
      child.once('exit', (code) =>
        reject(new Error(`${args.join(' ')} exited (${code}) before printing ${pattern}`)),
      );
      check();
    });
  return { child, waitFor, output: () => out };
}

const dev = start([cli, 'dev', '--port', '0', '--quiet-ms', '200']);
const [, url] = await dev.waitFor(/listening on (http:\S+)/);
const app = start(['--require', '@spanwise/core/register', 'app.cjs'], {
  OTEL_SERVICE_NAME: 'hello',
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
});
const [, port] = await app.waitFor(/listening (\d+)/);
const body = await (await fetch(`http://127.0.0.1:${port}/hello`)).text();
app.child.kill('SIGTERM');
await once(app.child, 'exit');
await dev.waitFor(/compose greeting/);
dev.child.kill('SIGINT');
await once(dev.child, 'exit');
process.stdout.write(`GET /hello answered "${body}"; spanwise dev printed:\n\n${dev.output()}`);
