// Rewrites the generated part of docs/benchmarks.md (between the figures markers) from
// bench/results/*.json: machine, versions, one table per scenario with its commands, and the targets.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootDir } from './paths.mjs';
import { readResults } from './results.mjs';
import { evaluateTargets } from './targets.mjs';

const START = '<!-- bench:figures:start -->';
const END = '<!-- bench:figures:end -->';
const DOC = join(rootDir, 'docs', 'benchmarks.md');

const cell = (x) => (x === null || x === undefined ? '–' : String(x));
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
const code = (lines) => ['```sh', ...lines, '```'].join('\n');
const cores = (c) =>
  Object.entries(c)
    .map(([k, v]) => `${k} on CPU ${v}`)
    .join(', ');
const when = (r) =>
  `${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${r.machine.commit ?? 'unknown'}, load average ${r.machine.loadavg1m}`;

/** The command that reruns a scenario with the settings it ran with. */
const KNOBS = {
  http: [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_DURATION_S', 'durationS'],
    ['BENCH_SLICE_S', 'sliceS'],
    ['BENCH_WARMUP_S', 'warmupS'],
    ['BENCH_CONNECTIONS', 'connections'],
  ],
  decorators: [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_MICRO_TIME_MS', 'microTimeMs'],
  ],
  startup: [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_STARTUP_RUNS', 'startupRuns'],
  ],
  outage: [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_DURATION_S', 'durationS'],
    ['BENCH_WARMUP_S', 'warmupS'],
    ['BENCH_CONNECTIONS', 'connections'],
    ['BENCH_OUTAGE_RATE', 'outageRate'],
  ],
  'first-exports': [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_DURATION_S', 'durationS'],
    ['BENCH_CONNECTIONS', 'connections'],
    ['BENCH_FIRST_EXPORTS_RATE', 'firstExportsRate'],
  ],
  amqp: [
    ['BENCH_ROUNDS', 'rounds'],
    ['BENCH_AMQP_MESSAGES', 'amqpMessages'],
    ['BENCH_AMQP_RPCS', 'amqpRpcs'],
  ],
};
const reproduce = (r) =>
  `Rerun: \`${KNOBS[r.scenario]
    .filter(([, key]) => r.config[key] !== null && r.config[key] !== undefined)
    .map(([env, key]) => `${env}=${r.config[key]}`)
    .join(' ')} pnpm bench ${r.scenario}\``;

function http(r) {
  const rows = Object.entries(r.variants).map(([name, v]) =>
    v.skipped
      ? [name, v.skipped, null, null, null, null, null, null, null]
      : [
          name,
          v.median.rps,
          v.vsUntraced ? `${v.vsUntraced.pairedRpsRatio}x (${v.vsUntraced.pairedRange.join('–')})` : null,
          v.median.latencyP50Ms,
          v.median.latencyP99Ms,
          v.median.cpuUsPerRequest,
          v.vsUntraced ? `${v.vsUntraced.pairedCpuCapacityRatio}x` : null,
          v.spans?.perRequest,
          v.spans ? spansLost(v.spans) : null,
        ],
  );
  const names = Object.entries(r.variants)
    .filter(([, v]) => v.spans && Object.keys(v.spans.namesPerRequest).length > 0)
    .map(
      ([name, v]) =>
        `- ${name}: ${Object.entries(v.spans.namesPerRequest)
          .map(([n, c]) => `\`${n}\` ×${c}`)
          .join(', ')}`,
    );
  return [
    `### 1. ${r.title}`,
    reproduce(r),
    `${when(r)}. Each set-up's app started once and warmed up for ${r.load.warmupS} s; then ${r.load.slices} rounds in which every set-up gets one ${r.load.sliceS} s slice of load (${r.load.connections} connections), the order reversed every other round. Figures are medians over the slices. ${cores(r.cores)}. Ratios are paired with the untraced slice of the same round (median, min–max). App CPU µs/req is the app process's user+system CPU over the slice, including the flush that exports the slice's spans before the next set-up's turn, divided by the requests it handled; capacity vs untraced is the untraced CPU per request over this set-up's, which holds even when the load generator, not the app, saturated first. Spans are counted over each app's whole life after the final drain: spans lost = ended in the app − received.`,
    table(
      [
        'set-up',
        'req/s',
        'vs untraced',
        'p50 ms',
        'p99 ms',
        'app CPU µs/req',
        'capacity vs untraced (CPU)',
        'spans/req received',
        'spans lost',
      ],
      rows,
    ),
    names.length ? `Spans per request at the receiver, by name:\n${names.join('\n')}` : '',
    ...costSteps(r.variants),
    ...profiles(r.variants),
    'Commands (the harness starts each, pins it and fills in the ports):',
    code(
      Object.entries(r.variants)
        .flatMap(([name, v]) => [`# ${name}: ${v.label}`, v.commands.app])
        .concat(['# load', Object.values(r.variants)[0].commands.load]),
    ),
  ];
}

function spansLost(spans) {
  if (spans.lost === null) return 'none sent';
  return `${spans.lost}${spans.droppedReported != null ? ` (reported ${spans.droppedReported})` : ''}`;
}

/**
 * The app CPU per request that Spanwise adds over untraced, split in steps by the diagnostic set-ups: spans
 * started but not recorded, then recorded but not exported, then exported. Each step is a difference of
 * medians, so it is as noisy as the two figures it comes from.
 */
function costSteps(variants) {
  const cpu = (name) => variants[name]?.median?.cpuUsPerRequest;
  const steps = ['untraced', 'spanwise-unsampled', 'spanwise-no-export', 'spanwise'].map(cpu);
  if (steps.some((us) => typeof us !== 'number')) return [];
  const [untraced, unsampled, noExport, full] = steps;
  const us = (x) => Math.round(x * 10) / 10;
  const budget = untraced / 0.65 - untraced;
  const unsampledBudget = untraced / 0.85 - untraced;
  return [
    `What Spanwise adds, in app CPU µs per request (median CPU of one set-up minus that of the one before): starting and propagating the three spans without recording them ${us(unsampled - untraced)}; recording them (the lean engine's span, attributes, ending) ${us(noExport - unsampled)}; encoding and sending them over OTLP ${us(full - noExport)}; in all ${us(full - untraced)}. Serving at 0.65x the untraced capacity leaves ${us(budget)} µs per request for all of it, and at 0.85x unsampled ${us(unsampledBudget)} µs for the first step.`,
  ];
}

/** With BENCH_CPU_PROF=1: self time per request by package, from the measured window's CPU profile. */
function profiles(variants) {
  const withProfile = Object.entries(variants).filter(([, v]) => v.profile);
  if (withProfile.length === 0) return [];
  const lines = withProfile.map(
    ([name, v]) =>
      `- ${name} (${v.profile.usPerRequest} µs/request in the profile): ` +
      v.profile.areas.map((a) => `${a.name} ${a.usPerRequest}`).join(', '),
  );
  return [
    `Where the time goes (self time in µs per request by package, from one extra profiled run per set-up that is not part of the figures above):\n${lines.join('\n')}`,
  ];
}

function decorators(r) {
  const kinds = ['sync', 'async', 'observable'];
  const rows = Object.entries(r.setups).map(([name, s]) =>
    s.skipped
      ? [s.label, s.skipped, null, null, null, null, null]
      : [
          s.label,
          ...kinds.map((k) => s.medianNsPerOp[k]),
          ...kinds.map((k) => (s.vsHand ? `${s.vsHand[k]}x` : name === 'hand' ? '1x' : null)),
        ],
  );
  return [
    `### 2. ${r.title}`,
    reproduce(r),
    `${when(r)}. ${r.config.rounds} interleaved rounds, one process per set-up per round, tinybench ${r.config.microTimeMs} ms per task after warm-up. ${cores(r.cores)}. ${r.note}`,
    table(
      [
        'set-up',
        'sync ns',
        'async ns',
        'Observable ns',
        'sync vs hand',
        'async vs hand',
        'Observable vs hand',
      ],
      rows,
    ),
    code(Object.values(r.setups).map((s) => s.command)),
  ];
}

function startup(r) {
  const rows = Object.values(r.variants).map((v) =>
    v.skipped
      ? [v.label, v.skipped, null, null, null]
      : [
          v.label,
          v.median.cpuS,
          v.median.wallS,
          v.median.maxRssMB,
          v.vsNode
            ? `+${v.vsNode.extraCpuS} s CPU, +${v.vsNode.extraWallS} s wall, +${v.vsNode.extraRssMB} MB`
            : null,
        ],
  );
  const warnings = Object.values(r.variants)
    .filter((v) => v.stderrSample)
    .map((v) => `- ${v.label} printed: \`${v.stderrSample.split('\n')[0]}\``);
  return [
    `### 3. ${r.title}`,
    reproduce(r),
    `${when(r)}. ${r.config.rounds} interleaved rounds × ${r.config.startupRuns} runs; collector ${r.collector}. ${cores(r.cores)}. CPU = user + sys and peak RSS from GNU time; wall from the harness.`,
    table(['set-up', 'CPU s', 'wall s', 'peak RSS MB', 'over node -e 0'], rows),
    warnings.join('\n'),
    startupProfiles(r.variants),
    code(Object.values(r.variants).map((v) => v.command)),
  ];
}

function startupProfiles(variants) {
  const lines = Object.values(variants)
    .filter((v) => v.profile)
    .map(
      (v) =>
        `- ${v.label}: ${v.profile.modules} CommonJS modules loaded; profile ${v.profile.profileMs} ms: ` +
        v.profile.areas.map((a) => `${a.name} ${a.ms}`).join(', '),
    );
  return lines.length
    ? `Where start-up goes (one extra \`--cpu-prof\` run per set-up, self time in ms):\n${lines.join('\n')}`
    : '';
}

function outage(r) {
  const rows = [];
  for (const [name, v] of Object.entries(r.variants)) {
    if (v.skipped) {
      rows.push([name, null, v.skipped, null, null, null, null, null, null]);
      continue;
    }
    for (const [mode, m] of Object.entries(v.modes)) {
      rows.push([
        name,
        mode,
        m.median.rps,
        `${m.rpsVsUp}x`,
        m.median.eldP99Ms,
        m.median.rssGrowthMB,
        m.rssGrowthOverUpMB,
        m.median.heapRetainedGrowthMB,
        m.lastStats ? `${Math.round(m.lastStats.queuedBytes / 1024)} KiB, ${m.lastStats.circuit}` : null,
      ]);
    }
  }
  return [
    `### 4. ${r.title}`,
    reproduce(r),
    `${when(r)}. ${r.load.rounds} interleaved rounds, a fresh app per run; ${r.load.warmupS} s warm-up (collector already in the mode), ${r.load.durationS} s measured, ${r.load.connections} connections, rate ${r.load.rate ?? 'as fast as answered'}. ${cores(r.cores)}. Collector: up = ${r.collector.up}; refused = ${r.collector.refused}; blackhole = ${r.collector.blackhole}. Event-loop delay and memory cover the measured window. ${r.memory}`,
    table(
      [
        'set-up',
        'collector',
        'req/s',
        'vs collector up',
        'event-loop delay p99 ms',
        'RSS growth MB',
        'RSS growth over collector-up MB',
        'heap retained growth MB',
        'Spanwise queue at end, circuit',
      ],
      rows,
    ),
  ];
}

function amqp(r) {
  const rows = [];
  for (const wl of Object.values(r.workloads)) {
    for (const s of Object.values(wl.setups)) {
      rows.push(
        s.skipped
          ? [wl.label, s.label, s.skipped, null, null, null]
          : [
              wl.label,
              s.label,
              s.median.usPerOp,
              s.extraUsPerOp != null ? `+${s.extraUsPerOp} (${s.ratioVsRaw}x)` : null,
              s.median.spansPerMessage,
              s.median.spansLost,
            ],
      );
    }
  }
  return [
    `### 5. ${r.title}`,
    reproduce(r),
    `${when(r)}. ${r.config.rounds} interleaved rounds, one process per run; ${r.config.amqpMessages} messages per publish/consume run, ${r.config.amqpRpcs} round trips per RPC run, each after a 10% warm-up. ${cores(r.cores)}. Extra µs is paired with the raw run of the same round.`,
    table(
      ['workload', 'set-up', 'µs per op', 'extra µs vs raw', 'spans per op received', 'spans lost'],
      rows,
    ),
    code(Object.values(r.workloads).flatMap((wl) => Object.values(wl.setups).map((s) => s.command))),
  ];
}

const pairedExtra = (extra) => (extra ? `${extra.median} (${extra.range.join(' to ')})` : null);
const spread = (x) => (x ? `${x.median} (${x.range.join('–')})` : null);

function firstExports(r) {
  const rows = [];
  for (const [name, c] of Object.entries(r.cases)) {
    for (const [setup, s] of Object.entries(c.setups)) {
      const spanwise = setup === 'spanwise';
      const aa = setup === 'untraced A/A';
      rows.push([
        name,
        c.collector,
        setup,
        spread(s.eldMaxMs),
        pairedExtra(spanwise ? c.extraEldMaxMs : aa ? c.noiseEldMaxMs : null),
        spread(s.loopCpuMaxMs),
        pairedExtra(spanwise ? c.extraLoopCpuMaxMs : aa ? c.noiseLoopCpuMaxMs : null),
        s.eldP99Ms.median,
        s.latencyP99Ms.median,
      ]);
    }
  }
  const resolution = r.eldResolutionMs ?? 10;
  return [
    `### 6. ${r.title}`,
    reproduce(r),
    `${when(r)}. ${r.load.rounds} interleaved rounds; ${r.window}; ${r.load.durationS} s at ${r.load.rate} req/s over ${r.load.connections} connections. ${cores(r.cores)}. Load ${r.pacing ?? "autocannon overallRate (each second's requests sent back to back at its start)"}. Max event-loop delay is \`perf_hooks.monitorEventLoopDelay({ resolution: ${resolution} })\` in the app over the window (each sample includes the ${resolution} ms interval; wall time, so it also holds time the app waited for a core); max loop CPU is the main thread's CPU time (\`process.threadCpuUsage()\`) between two ticks of a 1 ms timer, the loop blocked by the app's own work. Median (range over rounds); the extras are paired with the first untraced run of the same round and case, for Spanwise and for a second untraced run (A/A: the machine's noise floor).`,
    table(
      [
        'protocol / case',
        'collector answers',
        'set-up',
        'max event-loop delay ms',
        'extra over untraced ms',
        'max loop CPU ms',
        'extra over untraced ms',
        'event-loop delay p99 ms',
        'latency p99 ms',
      ],
      rows,
    ),
    code([r.commands.app, r.commands.load]),
  ];
}

const RENDER = { http, decorators, startup, outage, amqp, 'first-exports': firstExports };

function machine(results) {
  const any = Object.values(results)[0];
  if (!any) return ['No results yet: run `pnpm bench`.'];
  const m = any.machine;
  return [
    `Machine: ${m.cpuModel}, nproc ${m.nproc}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}. Each scenario gives the load average when it finished: on a shared 2-core machine single figures are indicative, and the paired ratios are the figures to compare.`,
    '',
    `Versions: ${Object.entries(m.packages)
      .map(([p, v]) => `${p} ${v ?? '–'}`)
      .join(', ')}.`,
  ];
}

function targets(results) {
  const rows = evaluateTargets(results).map((t) => [
    t.scenario,
    t.target,
    t.measured,
    t.met === null
      ? 'not measured'
      : t.met === 'noise'
        ? 'not judged: the untraced A/A pair differs by more than the bound'
        : t.met
          ? 'met'
          : 'missed',
  ]);
  return ['### Targets', table(['scenario', 'target', 'measured', ''], rows)];
}

/** The heading number of each scenario's section, as its renderer writes it (`### 1. ...`). */
const NUMBER = { http: 1, decorators: 2, startup: 3, outage: 4, amqp: 5, 'first-exports': 6 };

/**
 * The previous figures of a scenario with no result here: its section, and its rows of the targets table,
 * from the current doc. `bench/results/` is not committed, so a run of some scenarios keeps the others'
 * figures (each section names when and where it was measured).
 */
function previousFigures(generated, name) {
  const heading = `### ${NUMBER[name]}. `;
  const start = generated.indexOf(heading);
  let section;
  if (start >= 0) {
    const next = generated.indexOf('\n### ', start + heading.length);
    section = generated.slice(start, next < 0 ? undefined : next).trim();
  }
  const rows = generated.split('\n').filter((line) => line.startsWith(`| ${NUMBER[name]} `));
  return { section, rows };
}

/** The machine paragraph of the current doc, kept when no scenario has a result here. */
function previousMachine(generated) {
  const start = generated.indexOf('Machine: ');
  const end = generated.indexOf('\n### ', start);
  return start < 0
    ? 'No results yet: run `pnpm bench`.'
    : generated.slice(start, end < 0 ? undefined : end).trim();
}

/** Regenerates the figures section and returns the file written. */
export function writeDocs() {
  const results = readResults();
  const doc = readFileSync(DOC, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${START} ... ${END} section`);
  const before = doc.slice(a, b);
  const parts = Object.keys(results).length > 0 ? machine(results) : [previousMachine(before)];
  const keptRows = [];
  const kept = new Set();
  for (const name of Object.keys(RENDER)) {
    if (results[name]) {
      parts.push(...RENDER[name](results[name]));
      continue;
    }
    const previous = previousFigures(before, name);
    if (previous.section !== undefined) parts.push(previous.section);
    keptRows.push(...previous.rows);
    kept.add(NUMBER[name]);
  }
  const [title, tableText] = targets(results);
  const [head1, head2, ...fresh] = tableText.split('\n');
  const number = (row) => parseInt(row.slice(2), 10);
  const rows = [...fresh.filter((row) => !kept.has(number(row))), ...keptRows].sort(
    (x, y) => number(x) - number(y),
  );
  parts.push(title, [head1, head2, ...rows].join('\n'));
  const generated = `${START}\n<!-- generated by bench/lib/docs.mjs from bench/results/*.json; do not edit by hand -->\n\n${parts.filter(Boolean).join('\n\n')}\n\n${END}`;
  writeFileSync(DOC, doc.slice(0, a) + generated + doc.slice(b + END.length));
  return DOC;
}
