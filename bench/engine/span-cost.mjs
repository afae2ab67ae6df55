// `node bench/engine/span-cost.mjs`: CPU ns per span of the two span engines (SPANWISE_ENGINE=lean|sdk),
// for an HTTP-server-shaped span and a child span under startActiveSpan, sampled and unsampled. Each
// set-up runs in its own process, interleaved round by round (BENCH_ROUNDS, default 5); prints medians with
// ranges and the lean/sdk ratio paired by round.
import { config } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { placement, runNodeJson } from '../lib/procs.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

const rounds = Number(process.env.BENCH_ROUNDS || 5);
const CASES = [];
for (const op of ['server', 'child']) {
  for (const sampler of ['always_on', 'always_off']) {
    for (const engine of ['sdk', 'lean']) CASES.push({ op, sampler, engine });
  }
}
const key = (c) => `${c.op} ${c.sampler} ${c.engine}`;
const runs = Object.fromEntries(CASES.map((c) => [key(c), []]));
for (let r = 0; r < rounds; r++) {
  for (const c of roundOrder(
    CASES.map((x) => [key(x), x]),
    r,
  ).map(([, x]) => x)) {
    const out = await runNodeJson(placement.app, ['apps/span-cost.cjs'], {
      env: {
        SPANWISE_ENGINE: c.engine,
        BENCH_SPAN_OP: c.op,
        BENCH_SAMPLER: c.sampler,
        BENCH_MICRO_TIME_MS: String(config.microTimeMs),
      },
      cwd: benchDir,
    });
    if (out.recorded > 0 !== (c.sampler === 'always_on'))
      throw new Error(`${key(c)}: recorded ${out.recorded}`);
    runs[key(c)].push(out.nsPerOp);
  }
  console.log(`round ${r + 1} done`);
}
const range = (xs) => `${round(Math.min(...xs), 0)}–${round(Math.max(...xs), 0)}`;
for (const op of ['server', 'child']) {
  for (const sampler of ['always_on', 'always_off']) {
    const sdk = runs[`${op} ${sampler} sdk`];
    const lean = runs[`${op} ${sampler} lean`];
    const ratios = lean.map((ns, i) => ns / sdk[i]);
    console.log(
      `${op} span, ${sampler}: sdk ${round(median(sdk), 0)} ns (${range(sdk)}), lean ${round(median(lean), 0)} ns ` +
        `(${range(lean)}); lean/sdk paired median ${round(median(ratios), 2)}x ` +
        `(${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}x)`,
    );
  }
}
