// `node bench/logs/pino-correlation.mjs`: a pino line inside a span, two lines (minimal: `logger.info('hi')`;
// request: a nestjs-pino request logger writing `{ orderId, userId, items }` and a message; see
// apps/pino-line.cjs) × four set-ups: without correlation (OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino), the ids
// by hand (a pino mixin), @opentelemetry/instrumentation-pino, and Spanwise's correlation (the default). Each
// line × set-up runs in its own process, interleaved round by round (BENCH_ROUNDS, default 5;
// BENCH_MICRO_TIME_MS per run, default 500). Prints, per line, the median time per line of each set-up with
// its range over rounds, and the per-round ratios' median and range. Run it alone on the machine:
// `node bench/logs/pino-correlation.mjs`.
import { loadavg } from 'node:os';
import { config } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { placement, runNodeJson } from '../lib/procs.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

const rounds = Number(process.env.BENCH_ROUNDS || 5);
const base = { OTEL_TRACES_EXPORTER: 'none', BENCH_MICRO_TIME_MS: String(config.microTimeMs) };
const off = { ...base, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' };
const SETUPS = [
  ['without correlation', { ...off, BENCH_PINO_SETUP: 'off' }],
  ['ids by hand (mixin)', { ...off, BENCH_PINO_SETUP: 'by-hand' }],
  ['instrumentation-pino', { ...off, BENCH_PINO_SETUP: 'otel' }],
  ['spanwise', { ...base, BENCH_PINO_SETUP: 'spanwise' }],
];
const LINES = ['minimal', 'request'];
const RATIOS = [
  ['spanwise', 'without correlation'],
  ['instrumentation-pino', 'without correlation'],
  ['ids by hand (mixin)', 'without correlation'],
  ['spanwise', 'instrumentation-pino'],
];

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
console.log(`load average at start: ${load()}`);
const runs = Object.fromEntries(
  LINES.map((line) => [line, Object.fromEntries(SETUPS.map(([n]) => [n, []]))]),
);
const bytes = {};
for (let r = 0; r < rounds; r++) {
  for (const line of roundOrder(LINES, r)) {
    for (const [name, env] of roundOrder(SETUPS, r)) {
      const run = await runNodeJson(
        placement.app,
        ['--require', '@spanwise/core/register', 'apps/pino-line.cjs'],
        {
          env: { ...env, BENCH_PINO_LINE: line },
          cwd: benchDir,
        },
      );
      if (run.correlated !== (name !== 'without correlation'))
        throw new Error(`${name}: correlated=${run.correlated}`);
      runs[line][name].push(run.nsPerOp);
      bytes[`${line} ${name}`] = run.lineBytes;
      console.log(`round ${r + 1} ${line} line, ${name}: ${Math.round(run.nsPerOp)} ns per line`);
    }
  }
}
const range = (xs, digits) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;
for (const line of LINES) {
  console.log(
    `\n${line} line (${bytes[`${line} without correlation`]} bytes, ${bytes[`${line} spanwise`]} with the ids):`,
  );
  for (const [name] of SETUPS) {
    const ns = runs[line][name];
    console.log(`  ${name}: median ${round(median(ns), 0)} ns per line (range ${range(ns, 0)})`);
  }
  for (const [a, b] of RATIOS) {
    const ratios = runs[line][a].map((ns, i) => ns / runs[line][b][i]);
    console.log(
      `  ${a} / ${b}, paired by round: median ${round(median(ratios), 2)}x (range ${range(ratios, 2)}x)`,
    );
  }
}
console.log(`\nload average at end: ${load()}`);
