// `node bench/logs/pino-correlation.mjs`: a pino line inside a span, with Spanwise's log correlation on
// (the default), off (OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino), and off with the same three fields written
// by hand, each in its own process, interleaved round by round (BENCH_ROUNDS, default 5;
// BENCH_MICRO_TIME_MS per run, default 500). Prints the median time per line of each set-up with its range
// over rounds, and the per-round ratios' median and range.
import { config } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { placement, runNodeJson } from '../lib/procs.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

const rounds = Number(process.env.BENCH_ROUNDS || 5);
const base = { OTEL_TRACES_EXPORTER: 'none', BENCH_MICRO_TIME_MS: String(config.microTimeMs) };
const SETUPS = [
  ['without correlation', { ...base, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' }],
  ['ids by hand', { ...base, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino', BENCH_PINO_BY_HAND: '1' }],
  ['with correlation', base],
];
const runs = Object.fromEntries(SETUPS.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, env] of roundOrder(SETUPS, r)) {
    const run = await runNodeJson(
      placement.app,
      ['--require', '@spanwise/core/register', 'apps/pino-line.cjs'],
      {
        env,
        cwd: benchDir,
      },
    );
    if (run.correlated !== (name === 'with correlation'))
      throw new Error(`${name}: correlated=${run.correlated}`);
    runs[name].push(run.nsPerOp);
    console.log(`round ${r + 1} ${name}: ${Math.round(run.nsPerOp)} ns per line`);
  }
}
const range = (xs) => `${round(Math.min(...xs), 0)}–${round(Math.max(...xs), 0)}`;
for (const [name] of SETUPS) {
  console.log(`${name}: median ${round(median(runs[name]), 0)} ns per line (range ${range(runs[name])})`);
}
for (const [a, b] of [
  ['with correlation', 'without correlation'],
  ['with correlation', 'ids by hand'],
  ['ids by hand', 'without correlation'],
]) {
  const ratios = runs[a].map((ns, i) => ns / runs[b][i]);
  console.log(
    `${a} / ${b}, paired by round: median ${round(median(ratios), 2)}x ` +
      `(range ${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}x)`,
  );
}
