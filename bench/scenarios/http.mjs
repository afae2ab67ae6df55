// Scenario 1: the NestJS endpoint under autocannon load in each set-up, interleaved round by round.
// Per run: req/s, p50/p99 latency, then a drain (forceFlush) and the receiver's span count, giving spans
// received per request and spans lost between the app and the receiver.

import { config, selected } from '../lib/config.mjs';
import { HTTP_VARIANTS, httpCommands, httpVariantAvailable, runHttpOnce } from '../lib/http-app.mjs';
import { profileDir } from '../lib/paths.mjs';
import { placement } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { median, ratio, round, roundOrder } from '../lib/stats.mjs';

/** Runs scenario 1 and returns its result body. */
export async function runHttp(log) {
  const sink = await startSink();
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
  try {
    for (let r = 0; r < config.rounds; r++) {
      for (const name of roundOrder(active, r)) {
        await sink.reset();
        const run = await runHttpOnce(name, { endpoint: sink.endpoint, sample: true });
        const recv = await sink.counts();
        run.round = r;
        run.spansReceived = recv.spans;
        run.spanNames = recv.names;
        run.exportRequests = recv.requests;
        run.exportBytes = recv.bytes;
        run.spansPerRequest = run.app.handled > 0 ? recv.spans / run.app.handled : null;
        run.spansLost = typeof run.app.ended === 'number' ? run.app.ended - recv.spans : null;
        variants[name].runs.push(run);
        log(
          `  round ${r + 1} ${name}: ${Math.round(run.rps)} req/s, p50 ${run.latencyP50Ms} ms, p99 ${run.latencyP99Ms} ms, ` +
            `${run.cpuUsPerRequest?.toFixed(1)} us CPU/req (app ${Math.round(run.appCpuBusy * 100)}% busy), ` +
            `${run.spansPerRequest?.toFixed(2) ?? '-'} spans/req, lost ${run.spansLost ?? '-'}`,
        );
      }
    }
    // One extra run per variant under the CPU profiler, after the rounds and outside the figures: the
    // sampling profiler costs a few percent, and the profile is only there to say where the time goes.
    const dir = profileDir('http');
    if (dir) {
      for (const name of active) {
        const run = await runHttpOnce(name, { endpoint: sink.endpoint, sample: true, profileDir: dir });
        variants[name].profile = run.profile;
        log(`  profile ${name}: ${run.profile.usPerRequest} us/request in ${run.profile.file}`);
      }
    }
  } finally {
    await sink.stop();
  }
  summarize(variants);
  return {
    title: 'NestJS HTTP endpoint under load',
    cores: {
      app: placement.app ?? 'any',
      loadGenerator: placement.load ?? 'any',
      receiver: placement.receiver ?? 'any',
    },
    load: {
      connections: config.connections,
      durationS: config.durationS,
      warmupS: config.warmupS,
      rounds: config.rounds,
    },
    variants,
  };
}

function summarize(variants) {
  const base = variants.untraced;
  for (const entry of Object.values(variants)) {
    if (entry.skipped || entry.runs.length === 0) continue;
    const med = (f) => median(entry.runs.map(f));
    entry.median = {
      rps: round(
        med((x) => x.rps),
        0,
      ),
      latencyP50Ms: med((x) => x.latencyP50Ms),
      latencyP99Ms: med((x) => x.latencyP99Ms),
      spansPerRequest: round(
        med((x) => x.spansPerRequest),
        2,
      ),
      cpuUsPerRequest: round(
        med((x) => x.cpuUsPerRequest),
        1,
      ),
      appCpuBusy: round(
        med((x) => x.appCpuBusy),
        2,
      ),
      spansLost: med((x) => x.spansLost),
      spansLostFraction: round(
        med((x) => (x.app.ended ? x.spansLost / x.app.ended : 0)),
        4,
      ),
      droppedReported: med((x) => x.app.dropped),
    };
    entry.spanNamesPerRequest = perRequestNames(entry.runs.at(-1));
  }
  if (!base?.median) return;
  for (const entry of Object.values(variants)) {
    if (!entry.median) continue;
    // Paired ratio: each run against the untraced run of the same round, then the median of those.
    const paired = entry.runs.map((x) => ratio(x.rps, base.runs.find((b) => b.round === x.round)?.rps));
    // CPU-based capacity: untraced CPU per request over this variant's, paired per round. It does not
    // depend on whether the app or the load generator saturated first.
    const cpuPaired = entry.runs.map((x) =>
      ratio(base.runs.find((b) => b.round === x.round)?.cpuUsPerRequest, x.cpuUsPerRequest),
    );
    entry.vsUntraced = {
      rpsRatio: round(ratio(entry.median.rps, base.median.rps)),
      pairedCpuCapacityRatio: round(median(cpuPaired)),
      pairedRpsRatio: round(median(paired)),
      pairedRange: [
        round(Math.min(...paired.filter(Number.isFinite))),
        round(Math.max(...paired.filter(Number.isFinite))),
      ],
    };
  }
}

function perRequestNames(run) {
  if (!run?.app.handled) return {};
  const out = {};
  for (const [name, n] of Object.entries(run.spanNames)) out[name] = round(n / run.app.handled, 2);
  return out;
}
