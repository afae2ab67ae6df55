// `node bench/health/ignored-request.mjs`: requests per second on GET /health of a plain node:http server,
// untraced, traced by the register hook, and traced with SPANWISE_HTTP_IGNORE_PATHS=/health (the request is
// ignored). Every app stays up for the whole run; the set-ups take turns for BENCH_ROUNDS rounds (default 5)
// of BENCH_DURATION_S seconds (default 5), after a warm-up of BENCH_WARMUP_S, with BENCH_CONNECTIONS
// connections. Spans are recorded but not exported (OTEL_TRACES_EXPORTER=none), so the traced figure is the
// cheapest a traced request gets. Prints, per set-up, the app's CPU time per request (process.cpuUsage over
// the measured run, divided by the requests answered: the figure that contention on a shared machine
// disturbs least) and requests per second, each as the median over rounds with the range.
import { config } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { placement, runNodeJson, startNode } from '../lib/procs.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

const rounds = Number(process.env.BENCH_ROUNDS || 5);
const APP = 'apps/health-app.cjs';
const REGISTER = ['--require', '@spanwise/core/register'];
const SETUPS = [
  ['untraced', [APP], {}],
  ['traced', [...REGISTER, APP], { OTEL_TRACES_EXPORTER: 'none' }],
  ['ignored', [...REGISTER, APP], { OTEL_TRACES_EXPORTER: 'none', SPANWISE_HTTP_IGNORE_PATHS: '/health' }],
];

const load = (port, durationS) =>
  runNodeJson(
    placement.load,
    [
      'apps/load.cjs',
      JSON.stringify({ url: `http://127.0.0.1:${port}/health`, connections: config.connections, durationS }),
    ],
    { cwd: benchDir },
  );

const apps = [];
for (const [name, args, env] of SETUPS) {
  const proc = await startNode(placement.app, args, { env, cwd: benchDir });
  apps.push({ name, proc, rps: [], cpuUs: [] });
  await load(proc.ready, config.warmupS);
}
try {
  for (let r = 0; r < rounds; r++) {
    for (const app of roundOrder(apps, r)) {
      const before = await app.proc.request({ cmd: 'cpu' });
      const result = await load(app.proc.ready, config.durationS);
      const after = await app.proc.request({ cmd: 'cpu' });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${app.name}: ${JSON.stringify(result)}`);
      const cpuUs = (after.cpuUs - before.cpuUs) / result.total;
      app.rps.push(result.rps);
      app.cpuUs.push(cpuUs);
      console.log(
        `round ${r + 1} ${app.name}: ${cpuUs.toFixed(1)} µs CPU per request, ${Math.round(result.rps)} req/s`,
      );
    }
  }
} finally {
  await Promise.all(apps.map((app) => app.proc.exit()));
}
const range = (xs, digits) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;
for (const app of apps) {
  console.log(
    `${app.name}: median ${round(median(app.cpuUs), 1)} µs CPU per request (range ${range(app.cpuUs, 1)}), ` +
      `${round(median(app.rps), 0)} req/s (range ${range(app.rps, 0)})`,
  );
}
