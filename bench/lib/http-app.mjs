// The NestJS endpoint of scenarios 1 and 4 in its four set-ups, and one measured run of it: start the
// app on its core, warm it up, load it from the load generator's core, then drain and count.
import { join } from 'node:path';
import { spanwiseAvailable } from './availability.mjs';
import { config } from './config.mjs';
import { appsDir, benchDir } from './paths.mjs';
import { describeCommand, placement, runNodeJson, startNode } from './procs.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const APP = 'apps/nest-http.cjs';
const OTEL_PRELOAD = ['--require', './apps/otel-sdk.cjs'];

/** A set-up of the Spanwise app: the register hook, and `env` on top of the default configuration. */
function spanwiseVariant(label, env = {}) {
  return {
    label,
    args: ['--require', '@spanwise/core/register', APP],
    env: { BENCH_VARIANT: 'spanwise', ...env },
    needs: ['core', 'nestjs'],
  };
}

/** The set-ups compared, in the order they are listed in the docs. */
export const HTTP_VARIANTS = {
  untraced: { label: 'untraced', args: [APP], env: { BENCH_VARIANT: 'untraced' } },
  stock: {
    label: 'stock: NodeSDK + getNodeAutoInstrumentations + OTLP proto exporter + nestjs-otel @Span',
    args: [...OTEL_PRELOAD, APP],
    env: { BENCH_VARIANT: 'stock', BENCH_OTEL_SETUP: 'stock' },
  },
  'otel-http': {
    label: 'NodeSDK + HttpInstrumentation only + OTLP proto exporter + nestjs-otel @Span',
    args: [...OTEL_PRELOAD, APP],
    env: { BENCH_VARIANT: 'otel-http', BENCH_OTEL_SETUP: 'otel-http' },
  },
  spanwise: spanwiseVariant(
    'Spanwise: --require @spanwise/core/register + TracingModule.forRoot() + @Traced()',
  ),
  'spanwise-sdk': spanwiseVariant(
    'diagnostic: Spanwise on the SDK span engine (SPANWISE_ENGINE=sdk), otherwise as spanwise',
    { SPANWISE_ENGINE: 'sdk' },
  ),
  'spanwise-no-module': spanwiseVariant(
    'diagnostic: Spanwise without TracingModule (register + @Traced only; no handler span)',
    { BENCH_TRACING_MODULE: '0' },
  ),
  'spanwise-unsampled': spanwiseVariant(
    'diagnostic: Spanwise with OTEL_TRACES_SAMPLER=always_off (every span started and propagated, none recorded)',
    { OTEL_TRACES_SAMPLER: 'always_off' },
  ),
  'spanwise-sdk-unsampled': spanwiseVariant(
    'diagnostic: spanwise-unsampled on the SDK span engine (SPANWISE_ENGINE=sdk)',
    { OTEL_TRACES_SAMPLER: 'always_off', SPANWISE_ENGINE: 'sdk' },
  ),
  'spanwise-no-export': {
    ...spanwiseVariant(
      'diagnostic: Spanwise with OTEL_TRACES_EXPORTER=none (spans recorded and ended, never encoded or sent)',
      { OTEL_TRACES_EXPORTER: 'none' },
    ),
    // Nothing reaches the receiver, so its ended spans are not counted as lost.
    exports: false,
  },
};

// BENCH_BASE_DIR=<another checkout, installed and built>: `spanwise-base` runs the spanwise set-up from that
// checkout's bench/, in the same interleaved slices, so a change is measured against its base in one run.
if (process.env.BENCH_BASE_DIR) {
  HTTP_VARIANTS['spanwise-base'] = {
    ...spanwiseVariant(
      `diagnostic: spanwise from the checkout in BENCH_BASE_DIR (${process.env.BENCH_BASE_DIR})`,
    ),
    cwd: join(process.env.BENCH_BASE_DIR, 'bench'),
  };
}

/** `{ ok }` or `{ ok: false, reason }` for a variant. */
export function httpVariantAvailable(name) {
  const v = HTTP_VARIANTS[name];
  return v.needs ? spanwiseAvailable(...v.needs) : { ok: true };
}

/**
 * The exact command lines of a variant, for the docs; `env` on top of the variant's, and with `paced` the
 * paced load generator at `rate`.
 */
export function httpCommands(name, endpoint, { env: extra = {}, rate = null, paced = false } = {}) {
  const v = HTTP_VARIANTS[name];
  const env = { ...v.env, ...extra, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'bench-http' };
  const load = {
    url: 'http://127.0.0.1:<port>/hello',
    connections: config.connections,
    durationS: config.durationS,
    ...(rate ? { rate } : {}),
  };
  const generator = paced ? 'bench/apps/paced-load.cjs' : 'bench/apps/load.cjs';
  return {
    app: `(cd bench && ${describeCommand(placement.app, 'node', v.args, env)})`,
    load: describeCommand(placement.load, 'node', [generator, JSON.stringify(load)]),
  };
}

/** Self time per request of the top areas in the measured window's profile. */
function perRequestProfile(file, result) {
  const requests = result.handledInWindow;
  const summary = summarizeProfile(file, 12);
  const perReq = (ms) => Math.round(((ms * 1000) / requests) * 10) / 10;
  return {
    file,
    requests,
    usPerRequest: perReq(summary.totalMs),
    areas: summary.areas.map(([name, ms, pct]) => ({ name, usPerRequest: perReq(ms), pct })),
  };
}

/** autocannon, or with `paced` (and a `rate`) requests at evenly spaced times (apps/paced-load.cjs). */
function load(url, durationS, rate, paced = false) {
  return runNodeJson(placement.load, [
    join(appsDir, paced ? 'paced-load.cjs' : 'load.cjs'),
    JSON.stringify({ url, connections: config.connections, durationS, rate }),
  ]);
}

/**
 * Starts one variant's app on the app core, its OTLP endpoint set (and `env` on top of the variant's), and
 * returns its handle:
 * - `load(durationS, rate?, paced?)`: unmeasured load (warm-up);
 * - `measure(durationS, { rate, paced, profileFile, flush })`: the load generator's figures plus, from the app, CPU per
 *   request, event-loop delay, RSS and retained-heap growth over that window (and a CPU profile of it);
 *   with `flush`, the window closes only once the spans it traced are exported;
 * - `drain()`: flush until no new span ends, then the app's counters; `counts()`: counters without a flush;
 * - `exit()`: an orderly exit over IPC, SIGTERM/SIGKILL if that fails.
 */
export async function startHttpApp(name, { endpoint, gc = false, env: extra = {} }) {
  const v = HTTP_VARIANTS[name];
  const env = {
    ...v.env,
    ...extra,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'bench-http',
    NODE_ENV: 'production',
  };
  const args = gc ? ['--expose-gc', ...v.args] : v.args;
  const app = await startNode(placement.app, args, { env, cwd: v.cwd ?? benchDir, timeoutMs: 60_000 });
  const url = `http://127.0.0.1:${app.ready}/hello`;
  const annotate = (err) => {
    throw new Error(`${name}: ${err.message}\n${app.output().stderr}`);
  };
  return {
    load: (durationS, rate = null, paced = false) => load(url, durationS, rate, paced).catch(annotate),
    async measure(durationS, { rate = null, paced = false, profileFile, flush = false } = {}) {
      try {
        const before = await app.request({ cmd: 'reset', profileFile });
        const result = await load(url, durationS, rate, paced);
        const after = await app.request({ cmd: 'sample', flush }, 60_000);
        result.rssGrowthMB = (after.rssBytes - before.rssBytes) / 2 ** 20;
        result.rssEndMB = after.rssBytes / 2 ** 20;
        result.heapRetainedGrowthMB =
          after.heapAfterGcBytes === null
            ? null
            : (after.heapAfterGcBytes - before.heapAfterGcBytes) / 2 ** 20;
        result.eldP99Ms = after.eldP99Ms;
        result.eldMaxMs = after.eldMaxMs;
        result.loopCpuMaxMs = after.loopCpuMaxMs ?? null;
        result.loopCpuP99Ms = after.loopCpuP99Ms ?? null;
        result.handledInWindow = after.handledInWindow;
        result.cpuUsPerRequest = after.handledInWindow > 0 ? after.cpuUs / after.handledInWindow : null;
        // Page faults: fresh memory touched per request (allocation that the OS had to map in again).
        result.pageFaultsPerRequest =
          after.handledInWindow > 0 ? after.minorPageFaults / after.handledInWindow : null;
        result.appCpuBusy = after.cpuUs / (durationS * 1e6);
        if (profileFile) result.profile = perRequestProfile(profileFile, result);
        return result;
      } catch (err) {
        return annotate(err);
      }
    },
    drain: () => app.request({ cmd: 'drain' }, 60_000).catch(annotate),
    counts: () => app.request({ cmd: 'counts' }).catch(annotate),
    exit: () => app.exit(),
  };
}

/**
 * One fresh app of one variant: warm-up, one measured window, then its counters (without a flush: the
 * outage scenario reads them while the collector may still be down).
 */
export async function runHttpOnce(name, { endpoint, gc = false, rate = null }) {
  const app = await startHttpApp(name, { endpoint, gc });
  try {
    await app.load(config.warmupS, rate);
    const result = await app.measure(config.durationS, { rate });
    return { ...result, app: await app.counts() };
  } finally {
    await app.exit();
  }
}
