// Scenario 3: start-up and exit of `node -e 0`, alone and with each register hook, the collector
// unreachable. CPU (user+sys), wall and peak RSS come from GNU time around the child.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spanwiseAvailable } from '../lib/availability.mjs';
import { config, selected } from '../lib/config.mjs';
import { benchDir, profileDir } from '../lib/paths.mjs';
import { closedPort } from '../lib/ports.mjs';
import { describeCommand, pinnedCommand, placement } from '../lib/procs.mjs';
import { summarizeProfile } from '../lib/profile-summary.mjs';
import { median, ratio, round, roundOrder } from '../lib/stats.mjs';

const TIME = '/usr/bin/time';

const VARIANTS = [
  { name: 'node', label: 'node -e 0 alone', preload: [] },
  {
    name: 'stock',
    label: 'stock: --require @opentelemetry/auto-instrumentations-node/register',
    preload: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
  },
  {
    name: 'spanwise',
    label: 'Spanwise: --require @spanwise/core/register',
    preload: ['--require', '@spanwise/core/register'],
    needs: ['core'],
  },
];

/** One run under GNU time: `{ wallS, cpuS, userS, sysS, maxRssMB, code, stderr }`. */
function timedRun(args, env) {
  const dir = mkdtempSync(join(tmpdir(), 'spanwise-bench-'));
  const out = join(dir, 'time.txt');
  const [cmd, argv] = pinnedCommand(placement.app, TIME, [
    '-f',
    '%e %U %S %M',
    '-o',
    out,
    process.execPath,
    ...args,
  ]);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: benchDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const hrWallS = Number(process.hrtime.bigint() - started) / 1e9;
      const line = readFileSync(out, 'utf8').trim().split('\n').pop();
      rmSync(dir, { recursive: true, force: true });
      const [wall, user, sys, rssKb] = line.split(' ').map(Number);
      if ([wall, user, sys, rssKb].some((x) => !Number.isFinite(x))) {
        reject(new Error(`unexpected GNU time output: ${line}`));
        return;
      }
      resolve({
        wallS: hrWallS,
        timeWallS: wall,
        cpuS: user + sys,
        userS: user,
        sysS: sys,
        maxRssMB: rssKb / 1024,
        code,
        stderr,
      });
    });
  });
}

/**
 * Where start-up goes, outside the timed runs: one run under --cpu-prof summarised per package, and the
 * number of CommonJS modules the preload leaves in require.cache.
 */
function profileStartup(v, env, dir) {
  const opts = { cwd: benchDir, env: { ...process.env, ...env }, encoding: 'utf8' };
  // A fresh directory: the profile read below must be this run's, not one left by an earlier run.
  rmSync(dir, { recursive: true, force: true });
  spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...v.args], opts);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const counted = spawnSync(
    process.execPath,
    [...v.preload, '-p', 'Object.keys(require.cache).length'],
    opts,
  );
  const summary = file ? summarizeProfile(join(dir, file), 8) : null;
  return {
    modules: Number(counted.stdout.trim()),
    profileMs: summary?.totalMs ?? null,
    areas: summary ? summary.areas.map(([name, ms]) => ({ name, ms })) : [],
  };
}

/** Runs scenario 3 and returns its result body. */
export async function runStartup(log) {
  const port = await closedPort();
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_SERVICE_NAME: 'bench-startup',
  };
  const active = [];
  const variants = {};
  for (const v of VARIANTS) {
    if (!selected(v.name, ['node'])) continue;
    const args = [...v.preload, '-e', '0'];
    const timed = ['-f', '%e %U %S %M', 'node', ...args];
    const entry = { label: v.label, command: describeCommand(placement.app, TIME, timed, env), runs: [] };
    variants[v.name] = entry;
    const avail = v.needs ? spanwiseAvailable(...v.needs) : { ok: true };
    if (!avail.ok) {
      entry.skipped = `not available yet: ${avail.reason}`;
      log(`  ${v.name}: ${entry.skipped}`);
    } else active.push({ ...v, args });
  }
  for (let r = 0; r < config.rounds; r++) {
    for (const v of roundOrder(active, r)) {
      for (let i = 0; i < config.startupRuns; i++) {
        const run = await timedRun(v.args, env);
        variants[v.name].runs.push(run);
        log(
          `  round ${r + 1} ${v.name}: cpu ${run.cpuS.toFixed(2)} s, wall ${run.wallS.toFixed(2)} s, rss ${run.maxRssMB.toFixed(1)} MB, exit ${run.code}`,
        );
      }
    }
  }
  const dir = profileDir('startup');
  if (dir) {
    for (const v of active) {
      variants[v.name].profile = profileStartup(v, env, join(dir, v.name));
      log(`  profile ${v.name}: ${variants[v.name].profile.modules} CommonJS modules loaded`);
    }
  }
  const base = variants.node;
  for (const entry of Object.values(variants)) {
    if (entry.skipped) continue;
    const med = (k) => median(entry.runs.map((x) => x[k]));
    entry.median = {
      cpuS: round(med('cpuS')),
      wallS: round(med('wallS')),
      maxRssMB: round(med('maxRssMB'), 1),
    };
    entry.exitCodes = [...new Set(entry.runs.map((x) => x.code))];
    entry.stderrSample =
      entry.runs
        .find((x) => x.stderr.trim())
        ?.stderr.trim()
        .slice(0, 600) ?? '';
    for (const x of entry.runs) delete x.stderr;
  }
  for (const entry of Object.values(variants)) {
    if (entry.skipped || entry === base) continue;
    entry.vsNode = {
      extraCpuS: round(entry.median.cpuS - base.median.cpuS),
      extraWallS: round(entry.median.wallS - base.median.wallS),
      extraRssMB: round(entry.median.maxRssMB - base.median.maxRssMB, 1),
      cpuRatio: round(ratio(entry.median.cpuS, base.median.cpuS), 2),
    };
  }
  return {
    title: 'Start-up and exit, collector unreachable',
    cores: { child: placement.app ?? 'any' },
    collector: `refused (closed port ${port})`,
    variants,
  };
}
