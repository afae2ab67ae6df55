// Scenario 4: the scenario-1 endpoint under the same load while the collector is up, refusing connections
// (a closed port) and blackholed (accepts, reads, never answers). Per mode: req/s against collector-up,
// event-loop delay p99 and RSS growth over the measured window. Stock set-up and Spanwise, interleaved.

import { config, selected } from '../lib/config.mjs';
import { HTTP_VARIANTS, httpCommands, httpVariantAvailable, runHttpOnce } from '../lib/http-app.mjs';
import { closedPort } from '../lib/ports.mjs';
import { loadCores } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { median, ratio, round, roundOrder } from '../lib/stats.mjs';

const MODES = ['up', 'refused', 'blackhole'];
/** The untraced app never talks to a collector: it runs once per round as the RSS and delay baseline. */
const VARIANTS = { untraced: ['up'], stock: MODES, spanwise: MODES };

/** Runs scenario 4 and returns its result body. */
export async function runOutage(log) {
  const sink = await startSink();
  const refusedEndpoint = `http://127.0.0.1:${await closedPort()}`;
  const variants = {};
  const active = [];
  for (const [name, modes] of Object.entries(VARIANTS)) {
    if (!selected(name)) continue;
    variants[name] = {
      label: HTTP_VARIANTS[name].label,
      commands: httpCommands(name, '<receiver>'),
      modes: {},
    };
    for (const m of modes) variants[name].modes[m] = { runs: [] };
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
        for (const mode of roundOrder(VARIANTS[name], r)) {
          await sink.mode(mode === 'blackhole' ? 'blackhole' : 'up');
          const endpoint = mode === 'refused' ? refusedEndpoint : sink.endpoint;
          const run = await runHttpOnce(name, { endpoint, gc: true, rate: config.outageRate });
          await sink.mode('up');
          run.round = r;
          variants[name].modes[mode].runs.push(run);
          log(
            `  round ${r + 1} ${name} collector ${mode}: ${Math.round(run.rps)} req/s, eld p99 ${run.eldP99Ms.toFixed(1)} ms, ` +
              `rss +${run.rssGrowthMB.toFixed(1)} MB, heap retained +${run.heapRetainedGrowthMB.toFixed(1)} MB`,
          );
        }
      }
    }
  } finally {
    await sink.stop();
  }
  for (const entry of Object.values(variants)) {
    if (entry.skipped) continue;
    for (const m of Object.keys(entry.modes)) {
      const runs = entry.modes[m].runs;
      entry.modes[m].median = {
        rps: round(median(runs.map((x) => x.rps)), 0),
        eldP99Ms: round(median(runs.map((x) => x.eldP99Ms)), 1),
        rssGrowthMB: round(median(runs.map((x) => x.rssGrowthMB)), 1),
        rssEndMB: round(median(runs.map((x) => x.rssEndMB)), 1),
        heapRetainedGrowthMB: round(median(runs.map((x) => x.heapRetainedGrowthMB)), 1),
      };
      const up = entry.modes.up.runs;
      const sameRound = (x) => up.find((u) => u.round === x.round);
      // What the outage adds on top of the same load with the collector up, paired per round.
      entry.modes[m].rssGrowthOverUpMB = round(
        median(runs.map((x) => x.rssGrowthMB - sameRound(x)?.rssGrowthMB)),
        1,
      );
      entry.modes[m].rpsVsUp = round(
        median(runs.map((x) => ratio(x.rps, up.find((u) => u.round === x.round)?.rps))),
      );
      const last = runs.at(-1)?.app.stats;
      if (last) entry.modes[m].lastStats = last;
    }
  }
  return {
    title: 'Collector outage under load',
    cores: loadCores(),
    load: {
      rate: config.outageRate ?? 'as fast as answered',
      connections: config.connections,
      durationS: config.durationS,
      warmupS: config.warmupS,
      rounds: config.rounds,
    },
    memory:
      'RSS growth, and JS heap + external memory retained after a full GC (the app runs with --expose-gc), over the measured window; ' +
      '"over collector-up" subtracts the same set-up\'s collector-up run of the same round.',
    collector: {
      up: 'bench sink answering 200',
      refused: `closed port (${refusedEndpoint})`,
      blackhole: 'bench sink that reads each request and never answers',
    },
    variants,
  };
}
