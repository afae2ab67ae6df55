// `pnpm demo`: builds the shop (tsc), starts `spanwise dev` and the three services, each with
// `node --require @spanwise/core/register`, sends three orders (normal, slow, failing), stops everything with
// SIGTERM (each service flushes its spans on the way out) and prints the waterfalls.
//
//   node run.mjs            the demo
//   node run.mjs --check    the same, then verifies one connected trace per request across the services
//                           (also DEMO_CHECK=1); exits 1 when it does not hold
//
// RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672) and Redis at REDIS_URL (default
// redis://127.0.0.1:6379) are optional: without RabbitMQ only the gateway runs, without Redis stock is not
// reserved. SHOP_SPANS_FILE keeps the spans spanwise dev received (OTLP/JSON lines) at that path.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from '../support/processes.mjs';
import { checkTraces, readSpans } from './check-traces.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CHECK = process.argv.includes('--check') || process.env.DEMO_CHECK === '1';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A run that hangs (a broker that accepts connections but never answers) must not hang CI.
const RUN_DEADLINE_MS = 60_000;

const REQUESTS = [
  { label: 'normal', order: { item: 'coffee', qty: 2, card: 'visa' } },
  { label: 'slow', order: { item: 'grinder', qty: 1, card: 'slow-bank' } },
  { label: 'failing', order: { item: 'kettle', qty: 1, card: 'declined' }, expectError: true },
];

const children = [];

/** Starts `node ...args` in this folder and remembers it for the shutdown at the end. */
function start(name, args, env = {}) {
  const proc = startNode(name, args, { cwd: here, env });
  children.push(proc);
  return proc;
}

/** Why nothing accepts TCP connections at `url`'s host and port, or undefined when something does. */
function probe(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('connect', () => {
      socket.end();
      resolve(undefined);
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

/** SIGTERM to every process still running; resolves when all have exited. */
async function stopAll(procs) {
  for (const proc of procs) proc.child.kill('SIGTERM');
  return Promise.all(procs.map((proc) => proc.exited));
}

async function main() {
  console.log('building examples/shop (tsc) ...');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: here,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('the shop does not compile (tsc failed)');

  const [amqpProblem, redisProblem] = await Promise.all([probe(AMQP_URL, 5672), probe(REDIS_URL, 6379)]);
  if (amqpProblem !== undefined) {
    console.log(
      `RabbitMQ is unreachable at ${AMQP_URL} (${amqpProblem}), so only the gateway runs (HTTP only) and orders ` +
        'answer 503.\nStart RabbitMQ with `rabbitmq-server -detached` (or ' +
        '`docker run -d -p 5672:5672 rabbitmq:4`) and run the demo again to see the whole system.\n',
    );
  }
  if (redisProblem !== undefined) {
    console.log(
      `Redis is unreachable at ${REDIS_URL} (${redisProblem}): stock reservations (and their Redis spans) are ` +
        'skipped. Start it with `redis-server --daemonize yes`.\n',
    );
  }
  const services = amqpProblem === undefined ? ['gateway', 'orders', 'notifications'] : ['gateway'];

  const work = mkdtempSync(join(tmpdir(), 'spanwise-shop-'));
  const spansFile = process.env.SHOP_SPANS_FILE ?? join(work, 'spans.jsonl');
  const cli = require.resolve('@spanwise/cli/package.json').replace(/package\.json$/, 'dist/cjs/bin.js');
  const colour = process.stdout.isTTY && process.env.NO_COLOR === undefined ? ['--color'] : [];
  const dev = start('spanwise dev', [
    cli,
    'dev',
    '--port',
    '0',
    '--quiet-ms',
    '300',
    '--out',
    spansFile,
    ...colour,
  ]);
  const [, endpoint] = await dev.waitFor((out) => out.match(/spanwise dev listening on (http:\S+)/));

  const run = randomUUID().slice(0, 8);
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    AMQP_URL,
    SHOP_AMQP: amqpProblem === undefined ? 'on' : 'off',
    SHOP_ORDERS_QUEUE: `shop.orders.${run}`,
    SHOP_NOTIFICATIONS_QUEUE: `shop.notifications.${run}`,
    SHOP_REDIS_URL: redisProblem === undefined ? REDIS_URL : '',
  };
  console.log(
    `starting ${services.join(', ')} with --require @spanwise/core/register, exporting to ${endpoint}\n`,
  );
  const procs = services.map((service) =>
    start(service, ['--require', '@spanwise/core/register', `dist/${service}/main.js`], {
      ...env,
      OTEL_SERVICE_NAME: service,
    }),
  );
  const [[, port]] = await Promise.all(
    procs.map((proc) => proc.waitFor((out) => out.match(/gateway listening (\d+)|ready on queue/))),
  );

  const results = [];
  for (const { label, order, expectError = false } of REQUESTS) {
    const response = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    const traceId = response.headers.get('x-trace-id');
    const body = await response.text();
    console.log(`${label.padEnd(8)} POST /orders ${JSON.stringify(order)} -> ${response.status} ${body}`);
    results.push({ label, traceId, expectError: expectError || amqpProblem !== undefined });
  }

  const notifications = procs.find((proc) => proc.name === 'notifications');
  // Stop only once the last notification was handled, so every trace is complete.
  await notifications?.waitFor((out) => (out.match(/^notified /gm) ?? []).length >= REQUESTS.length);
  const exits = await stopAll(procs);
  for (const [i, { code, signal }] of exits.entries()) {
    if (code !== 0 && signal !== 'SIGTERM') {
      throw new Error(`${procs[i].name} did not stop cleanly (${code ?? signal}):\n${procs[i].stderr()}`);
    }
  }
  await stopAll([dev]);
  console.log(
    `\nEvery service stopped on SIGTERM and flushed its spans. spanwise dev printed one waterfall per request` +
      ` (${services.join(' -> ')}):\n\n${dev.stdout()}`,
  );

  if (CHECK) {
    const problems = checkTraces(readSpans(spansFile), results, services);
    if (problems.length > 0) throw new Error(`check failed:\n  ${problems.join('\n  ')}`);
    console.log(
      `check passed: ${results.length} requests, one connected trace each, spanning ${services.join(' -> ')}`,
    );
  }
  rmSync(work, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  console.error(`the demo did not finish within ${RUN_DEADLINE_MS / 1000} s`);
  for (const proc of children) proc.child.kill('SIGKILL');
  process.exit(1);
}, RUN_DEADLINE_MS).unref();

main().then(
  () => clearTimeout(deadline),
  async (error) => {
    console.error(error instanceof Error ? error.message : error);
    await stopAll(children.filter((proc) => proc.child.exitCode === null && proc.child.signalCode === null));
    process.exitCode = 1;
  },
);
