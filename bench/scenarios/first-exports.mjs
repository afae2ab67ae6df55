// Scenario 6: the event loop while a freshly started app makes its first exports under steady load. Each run
// starts the app, warms it up without exporting, then measures, so the first export requests, the reading of
// their answers and anything loaded for them fall inside the window. Max event-loop delay (perf_hooks.monitorEventLoopDelay in
// the app) of the Spanwise app against the same app untraced, per protocol and collector answer, the
// set-ups interleaved run by run. A second untraced run per round (A/A) shows what the machine alone does to
// the same comparison: the noise floor the Spanwise figures are read against.
//
// The load is paced (apps/paced-load.cjs): requests evenly spread over each second. autocannon's rate
// sends each second's requests back to back at its start, and the loop delay it produces is that burst's
// length (requests per loop turn × cost per request), which scenario 1 measures, not a stall.
import { config, selected } from '../lib/config.mjs';
import { HTTP_VARIANTS, httpCommands, httpVariantAvailable, startHttpApp } from '../lib/http-app.mjs';
import { loadCores } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

/** Requests per second, held for the whole window: steady load, the same for every set-up. */
const RATE = config.firstExportsRate;

/**
 * A short warm-up (50 requests) takes the app's own first-request costs (Nest, express, JIT) out of the
 * window, while ending fewer spans than one export batch (512) well within the 5 s schedule delay: the first
 * export still happens inside the window, which each run records (`exportedBeforeWindow` is 0).
 */
const WARMUP_S = 1;
const WARMUP_RATE = 50;

/** Protocol and compression (Spanwise's environment) and what the collector answers each export with. */
const CASES = {
  'http/protobuf': { env: {}, answer: 'empty', collector: 'empty protobuf response' },
  'http/json': {
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    answer: 'partial-success',
    collector: '{"partialSuccess":{}}',
  },
  gzip: {
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    answer: 'empty',
    collector: 'empty protobuf response',
  },
  'garbage body': { env: {}, answer: 'garbage', collector: '200 with 100 KiB of random bytes' },
};
/** Each set-up's variant: the A/A run is the untraced app again. */
const SETUPS = { untraced: 'untraced', 'untraced A/A': 'untraced', spanwise: 'spanwise' };
/**
 * The loop-delay timer's interval (ms). Each sample is the interval between two ticks, so a stall shorter
 * than the interval can go unseen and every figure includes up to one interval: 1 ms keeps both small.
 */
const ELD_RESOLUTION_MS = 1;
/** The app's meters: loop delay at that resolution, and the loop's own CPU time per 1 ms tick. */
const APP_ENV = { BENCH_ELD_RESOLUTION_MS: String(ELD_RESOLUTION_MS), BENCH_LOOP_CPU: '1' };

const range = (values) => [round(Math.min(...values), 1), round(Math.max(...values), 1)];

/** Runs scenario 6 and returns its result body. */
export async function runFirstExports(log) {
  const sink = await startSink();
  const active = Object.keys(SETUPS).filter((name) => selected(name, ['untraced', 'untraced A/A']));
  for (const name of active) {
    const avail = httpVariantAvailable(SETUPS[name]);
    if (!avail.ok) throw new Error(`${name} not available yet: ${avail.reason}`);
  }
  const cases = {};
  for (const [name, c] of Object.entries(CASES)) {
    cases[name] = { collector: c.collector, env: c.env, setups: {} };
    for (const setup of active) cases[name].setups[setup] = { runs: [] };
  }
  try {
    for (let r = 0; r < config.rounds; r++) {
      for (const name of roundOrder(Object.keys(CASES), r)) {
        const c = CASES[name];
        await sink.answer(c.answer);
        for (const setup of roundOrder(active, r)) {
          const env = { ...c.env, ...APP_ENV };
          const app = await startHttpApp(SETUPS[setup], { endpoint: sink.endpoint, env });
          try {
            await app.load(WARMUP_S, WARMUP_RATE, true);
            const exportedBefore = (await app.counts()).stats?.exportedSpans ?? null;
            const run = await app.measure(config.durationS, { rate: RATE, paced: true });
            const counts = await app.counts();
            const exported = counts.stats?.exportedSpans ?? null;
            cases[name].setups[setup].runs.push({
              round: r,
              exportedBeforeWindow: exportedBefore,
              eldMaxMs: run.eldMaxMs,
              eldP99Ms: run.eldP99Ms,
              loopCpuMaxMs: run.loopCpuMaxMs,
              loopCpuP99Ms: run.loopCpuP99Ms,
              rps: run.rps,
              latencyP99Ms: run.latencyP99Ms,
              exportedSpans: exported,
            });
            log(
              `  round ${r + 1} ${name} ${setup}: eld max ${run.eldMaxMs.toFixed(1)} ms, p99 ${run.eldP99Ms.toFixed(1)} ms, ` +
                `loop cpu max ${run.loopCpuMaxMs.toFixed(1)} ms, ` +
                `${Math.round(run.rps)} req/s, latency p99 ${run.latencyP99Ms} ms${exported === null ? '' : `, ${exported} spans exported`}`,
            );
          } finally {
            await app.exit();
          }
        }
      }
    }
  } finally {
    await sink.answer('empty');
    await sink.stop();
  }
  for (const c of Object.values(cases)) {
    for (const s of Object.values(c.setups)) {
      const spread = (key) => ({
        median: round(median(s.runs.map((x) => x[key])), 1),
        range: range(s.runs.map((x) => x[key])),
      });
      s.eldMaxMs = spread('eldMaxMs');
      s.loopCpuMaxMs = spread('loopCpuMaxMs');
      s.eldP99Ms = { median: round(median(s.runs.map((x) => x.eldP99Ms)), 1) };
      s.latencyP99Ms = { median: round(median(s.runs.map((x) => x.latencyP99Ms)), 1) };
    }
    const base = c.setups.untraced?.runs ?? [];
    // Paired with the untraced run of the same round and case, which ran next to it.
    const paired = (runs = [], key = 'eldMaxMs') => {
      const extra = runs
        .map((x) => x[key] - (base.find((u) => u.round === x.round)?.[key] ?? Number.NaN))
        .filter(Number.isFinite);
      return extra.length > 0 ? { median: round(median(extra), 1), range: range(extra) } : undefined;
    };
    c.extraEldMaxMs = paired(c.setups.spanwise?.runs);
    c.noiseEldMaxMs = paired(c.setups['untraced A/A']?.runs);
    c.extraLoopCpuMaxMs = paired(c.setups.spanwise?.runs, 'loopCpuMaxMs');
    c.noiseLoopCpuMaxMs = paired(c.setups['untraced A/A']?.runs, 'loopCpuMaxMs');
  }
  return {
    title: 'Event loop during the first exports under load',
    cores: loadCores(),
    load: {
      rate: RATE,
      connections: config.connections,
      durationS: config.durationS,
      rounds: config.rounds,
    },
    window: `a fresh app per run, warmed up with ${WARMUP_S * WARMUP_RATE} requests (fewer spans than one export batch, so nothing is exported yet); the window then holds the first export requests and the reading of their answers`,
    eldResolutionMs: ELD_RESOLUTION_MS,
    pacing: 'paced: requests evenly spread over each second (bench/apps/paced-load.cjs)',
    commands: httpCommands('spanwise', '<receiver>', {
      env: APP_ENV,
      rate: RATE,
      paced: true,
    }),
    labels: Object.fromEntries(active.map((name) => [name, HTTP_VARIANTS[SETUPS[name]].label])),
    cases,
  };
}
