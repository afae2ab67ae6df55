// Summarises V8 .cpuprofile files (from BENCH_CPU_PROF=1): self time by package or area and by function,
// so a missed target can say where the time goes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which package, workspace package or runtime area a script URL belongs to. */
function area(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:internal/modules/')) return 'node: module loading';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (pnpm) return pnpm[1];
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (nm) return nm[1];
  const ws = url.match(/\/packages\/([^/]+)\//);
  if (ws) return `@spanwise/${ws[1]}`;
  if (url.includes('/bench/')) return 'bench app';
  return url;
}

/** Self time (µs) of one profile by area and by function, idle excluded: `{ total, areas, functions }`. */
function selfTimes(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const areas = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame: cf } = byId.get(id);
    if (cf.functionName === '(idle)') continue;
    total += us;
    const a = area(cf.url, cf.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const fn = `${cf.functionName || '(anonymous)'} ${a}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  return { total, areas, functions };
}

/** Self-time totals of one profile: `{ totalMs, areas: [[name, ms]], functions: [[name, ms]] }`. */
export function summarizeProfile(file, top = 15) {
  const { total, areas, functions } = selfTimes(file);
  const sorted = (m) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([k, us]) => [k, Math.round(us / 100) / 10, Math.round((us / total) * 1000) / 10]);
  return { totalMs: Math.round(total / 1000), areas: sorted(areas), functions: sorted(functions) };
}

/**
 * Self time per request by function in one scenario-1 set-up's profile minus the baseline's, largest first:
 * `[[function, baseline µs, set-up µs, difference]]`. Each profile is divided by the requests of its window.
 */
export function diffHttpProfiles(results, baseline, variant, top = 25) {
  const perRequest = (name) => {
    const profile = results.variants[name]?.profile;
    if (!profile) throw new Error(`no profile for ${name} in the http results (run with BENCH_CPU_PROF=1)`);
    const { functions } = selfTimes(profile.file);
    return new Map([...functions].map(([fn, us]) => [fn, us / profile.requests]));
  };
  const a = perRequest(baseline);
  const b = perRequest(variant);
  const round = (us) => Math.round(us * 100) / 100;
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((fn) => [
      fn,
      round(a.get(fn) ?? 0),
      round(b.get(fn) ?? 0),
      round((b.get(fn) ?? 0) - (a.get(fn) ?? 0)),
    ])
    .sort((x, y) => y[3] - x[3])
    .slice(0, top);
}

/** Summaries of every profile in a directory, keyed by file name. */
export function summarizeDir(dir, top) {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => [f, summarizeProfile(join(dir, f), top)]),
  );
}

if (process.argv[1] === new URL(import.meta.url).pathname && process.argv[2] === '--diff') {
  // node bench/lib/profile-summary.mjs --diff untraced spanwise-unsampled [results/http.json]
  const [baseline, variant, results = join(import.meta.dirname, '../results/http.json')] =
    process.argv.slice(3);
  console.log(
    `self time per request, ${variant} minus ${baseline} (µs): difference, ${baseline}, ${variant}`,
  );
  for (const [fn, a, b, d] of diffHttpProfiles(
    JSON.parse(readFileSync(results, 'utf8')),
    baseline,
    variant,
  )) {
    console.log(`  ${String(d).padStart(7)} ${String(a).padStart(7)} ${String(b).padStart(7)}  ${fn}`);
  }
} else if (process.argv[1] === new URL(import.meta.url).pathname) {
  const target = process.argv[2];
  const out = target.endsWith('.cpuprofile')
    ? { [target]: summarizeProfile(target, 25) }
    : summarizeDir(target, 25);
  for (const [name, s] of Object.entries(out)) {
    console.log(`== ${name}: ${s.totalMs} ms non-idle`);
    console.log('by area (ms, %):');
    for (const [k, ms, pct] of s.areas)
      console.log(`  ${String(ms).padStart(8)} ${String(pct).padStart(5)}%  ${k}`);
    console.log('by function:');
    for (const [k, ms, pct] of s.functions)
      console.log(`  ${String(ms).padStart(8)} ${String(pct).padStart(5)}%  ${k}`);
  }
}
