// Scenario 1: the NestJS endpoint under autocannon load in each set-up. Every set-up's app (with its own
// OTLP sink) stays up for the whole scenario, and the set-ups take turns in short measured slices, order
// reversed every other round, so outside load on a shared machine spreads over all of them. Per slice:
// req/s, p50/p99 and the app's CPU per request, the slice closing only once its spans are exported (so no
// set-up's export work runs inside another's slice). At the end each app is drained once more and its
// sink's span count gives spans received per request and spans lost.
import { config, selected } from '../lib/config.mjs';
import { HTTP_VARIANTS, httpCommands, httpVariantAvailable, startHttpApp } from '../lib/http-app.mjs';
import { profileDir } from '../lib/paths.mjs';
import { loadCores } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { median, ratio, round, roundOrder } from '../lib/stats.mjs';

/** Runs scenario 1 and returns its result body. */
export async function runHttp(log) {
  const variants = {};
  const active = [];
  for (const [name, v] of Object.entries(HTTP_VARIANTS)) {
    if (!selected(name, ['untraced'])) continue;
    variants[name] = { label: v.label, commands: httpCommands(name, '<receiver>'), runs: [] };
    const avail = httpVariantAvailable(name);
    if (avail.ok) active.push(name);
    else {
      variants[name].skipped = `not available yet: ${avail.reason}`;
      log(`  ${name}: ${variants[name].skipped}`);
    }
  }
  const slices = Math.max(2, Math.ceil((config.rounds * config.durationS) / config.sliceS));
  const running = {};
  try {
    for (const name of active) {
      const sink = await startSink();
      running[name] = { sink, app: await startHttpApp(name, { endpoint: sink.endpoint }) };
      await running[name].app.load(config.warmupS);
      log(`  ${name}: up and warmed (${config.warmupS} s)`);
    }
    for (let r = 0; r < slices; r++) {
      for (const name of roundOrder(active, r)) {
        const run = await running[name].app.measure(config.sliceS, { flush: true });
        run.round = r;
        variants[name].runs.push(run);
        log(
          `  slice ${r + 1}/${slices} ${name}: ${Math.round(run.rps)} req/s, p50 ${run.latencyP50Ms} ms, ` +
            `p99 ${run.latencyP99Ms} ms, ${run.cpuUsPerRequest?.toFixed(1)} us CPU/req (app ${Math.round(run.appCpuBusy * 100)}% busy)`,
        );
      }
    }
    // One extra window per set-up under the CPU profiler, outside the figures: the sampling profiler costs
    // a few percent, and the profile is only there to say where the time goes.
    const dir = profileDir('http');
    if (dir) {
      for (const name of active) {
        const profileFile = `${dir}/${name}-${Date.now()}.cpuprofile`;
        const run = await running[name].app.measure(config.durationS, { profileFile, flush: true });
        variants[name].profile = run.profile;
        log(`  profile ${name}: ${run.profile.usPerRequest} us/request in ${profileFile}`);
      }
    }
    for (const name of active) {
      const counters = await running[name].app.drain();
      const recv = await running[name].sink.counts();
      variants[name].spans = spanTotals(counters, recv, HTTP_VARIANTS[name].exports !== false);
      log(
        `  ${name}: ${counters.handled} requests, ${recv.spans} spans received ` +
          `(${variants[name].spans.perRequest} per request), lost ${variants[name].spans.lost ?? '-'}`,
      );
    }
  } finally {
    for (const { app, sink } of Object.values(running)) {
      await app.exit();
      await sink.stop();
    }
  }
  summarize(variants);
  return {
    title: 'NestJS HTTP endpoint under load',
    cores: loadCores(),
    load: {
      connections: config.connections,
      sliceS: config.sliceS,
      slices,
      warmupS: config.warmupS,
    },
    variants,
  };
}

/** Spans per request and spans lost over the app's whole life, warm-up included, after the drain. */
function spanTotals(counters, recv, exports) {
  const handled = counters.handled;
  // A set-up that sends nothing loses nothing: its ended spans are not compared with the receiver's.
  const lost = exports && typeof counters.ended === 'number' ? counters.ended - recv.spans : null;
  return {
    handled,
    ended: counters.ended,
    received: recv.spans,
    perRequest: handled > 0 ? round(recv.spans / handled, 2) : null,
    lost,
    lostFraction: counters.ended && lost !== null ? round(lost / counters.ended, 4) : 0,
    droppedReported: counters.dropped,
    drainIncomplete: counters.drainIncomplete === true,
    exportRequests: recv.requests,
    exportBytes: recv.bytes,
    namesPerRequest: Object.fromEntries(
      Object.entries(recv.names).map(([n, c]) => [n, handled > 0 ? round(c / handled, 2) : null]),
    ),
  };
}

function summarize(variants) {
  const base = variants.untraced;
  for (const entry of Object.values(variants)) {
    if (entry.skipped || entry.runs.length === 0) continue;
    const med = (f, digits) => round(median(entry.runs.map(f)), digits);
    entry.median = {
      rps: med((x) => x.rps, 0),
      latencyP50Ms: med((x) => x.latencyP50Ms),
      latencyP99Ms: med((x) => x.latencyP99Ms),
      cpuUsPerRequest: med((x) => x.cpuUsPerRequest, 1),
      appCpuBusy: med((x) => x.appCpuBusy, 2),
    };
  }
  if (!base?.median) return;
  for (const entry of Object.values(variants)) {
    if (!entry.median) continue;
    // Paired ratios: each slice against the untraced slice of the same round, then the median of those.
    const sameRound = (x) => base.runs.find((b) => b.round === x.round);
    const paired = entry.runs.map((x) => ratio(x.rps, sameRound(x)?.rps)).filter(Number.isFinite);
    // CPU-based capacity: untraced CPU per request over this set-up's. It holds whether the app or the
    // load generator saturated first.
    const cpuPaired = entry.runs.map((x) => ratio(sameRound(x)?.cpuUsPerRequest, x.cpuUsPerRequest));
    entry.vsUntraced = {
      rpsRatio: round(ratio(entry.median.rps, base.median.rps)),
      pairedRpsRatio: round(median(paired)),
      pairedRange: [round(Math.min(...paired)), round(Math.max(...paired))],
      pairedCpuCapacityRatio: round(median(cpuPaired)),
    };
  }
}
