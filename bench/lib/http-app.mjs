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
  spanwise: {
    label: 'Spanwise: --require @spanwise/core/register + TracingModule.forRoot() + @Traced()',
    args: ['--require', '@spanwise/core/register', APP],
    env: { BENCH_VARIANT: 'spanwise' },
    needs: ['core', 'nestjs'],
  },
  'spanwise-no-module': {
    label: 'diagnostic: Spanwise without TracingModule (register + @Traced only; no handler span)',
    args: ['--require', '@spanwise/core/register', APP],
    env: { BENCH_VARIANT: 'spanwise', BENCH_TRACING_MODULE: '0' },
    needs: ['core', 'nestjs'],
  },
};

/** `{ ok }` or `{ ok: false, reason }` for a variant. */
export function httpVariantAvailable(name) {
  const v = HTTP_VARIANTS[name];
  return v.needs ? spanwiseAvailable(...v.needs) : { ok: true };
}

/** The exact command lines of a variant, for the docs. */
export function httpCommands(name, endpoint) {
  const v = HTTP_VARIANTS[name];
  const env = { ...v.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'bench-http' };
  const load = {
    url: 'http://127.0.0.1:<port>/hello',
    connections: config.connections,
    durationS: config.durationS,
  };
  return {
    app: `(cd bench && ${describeCommand(placement.app, 'node', v.args, env)})`,
    load: describeCommand(placement.load, 'node', ['bench/apps/load.cjs', JSON.stringify(load)]),
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

function load(url, durationS, rate) {
  return runNodeJson(placement.load, [
    join(appsDir, 'load.cjs'),
    JSON.stringify({ url, connections: config.connections, durationS, rate }),
  ]);
}

/**
 * One run of one variant: returns autocannon's figures plus the app's counters. With `sample`, also RSS
 * growth and event-loop delay over the measured window; with `drain`, the tracer is flushed first so
 * the receiver's span count is final.
 */
export async function runHttpOnce(
  name,
  { endpoint, drain = true, sample = false, gc = false, rate = null, profileDir },
) {
  const v = HTTP_VARIANTS[name];
  const env = {
    ...v.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'bench-http',
    NODE_ENV: 'production',
  };
  if (profileDir) {
    if (!sample) throw new Error('a profile covers the sampled window: pass sample: true with profileDir');
    env.BENCH_PROFILE_FILE = join(profileDir, `${name}-${Date.now()}.cpuprofile`);
  }
  const args = gc ? ['--expose-gc', ...v.args] : v.args;
  const app = await startNode(placement.app, args, { env, cwd: benchDir, timeoutMs: 60_000 });
  try {
    const url = `http://127.0.0.1:${app.ready}/hello`;
    await load(url, config.warmupS, rate);
    const before = sample ? await app.request({ cmd: 'reset' }) : null;
    const result = await load(url, config.durationS, rate);
    if (sample) {
      const after = await app.request({ cmd: 'sample' });
      result.rssGrowthMB = (after.rssBytes - before.rssBytes) / 2 ** 20;
      result.rssEndMB = after.rssBytes / 2 ** 20;
      result.heapRetainedGrowthMB =
        after.heapAfterGcBytes === null ? null : (after.heapAfterGcBytes - before.heapAfterGcBytes) / 2 ** 20;
      result.eldP99Ms = after.eldP99Ms;
      result.eldMaxMs = after.eldMaxMs;
      result.handledInWindow = after.handledInWindow;
      result.cpuUsPerRequest = after.handledInWindow > 0 ? after.cpuUs / after.handledInWindow : null;
      result.appCpuBusy = after.cpuUs / (config.durationS * 1e6);
    }
    const counters = await app.request({ cmd: drain ? 'drain' : 'counts' }, 60_000);
    if (env.BENCH_PROFILE_FILE) result.profile = perRequestProfile(env.BENCH_PROFILE_FILE, result);
    return { ...result, app: counters };
  } catch (err) {
    const { stderr } = app.output();
    throw new Error(`${name}: ${err.message}\n${stderr}`);
  } finally {
    // An orderly exit over IPC (stock's SIGTERM handler would flush first); SIGTERM/SIGKILL if that fails.
    await app.exit();
  }
}
