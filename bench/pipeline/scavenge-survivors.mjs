// What each young-generation GC (scavenge) keeps alive, and its pause, in the scenario-6 app under paced load:
// untraced, Spanwise, and Spanwise without export or without sampling, so the cause of Spanwise's longer
// scavenges can be told apart from the export pipeline. Pinned like the harness; run it alone on the machine:
//   node bench/pipeline/scavenge-survivors.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appsDir, benchDir } from '../lib/paths.mjs';
import { pinnedCommand, placement } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';

const SETUPS = {
  untraced: { args: [], env: { BENCH_VARIANT: 'untraced' } },
  spanwise: { args: ['--require', '@spanwise/core/register'], env: { BENCH_VARIANT: 'spanwise' } },
  'spanwise, OTEL_TRACES_EXPORTER=none': {
    args: ['--require', '@spanwise/core/register'],
    env: { BENCH_VARIANT: 'spanwise', OTEL_TRACES_EXPORTER: 'none' },
  },
  'spanwise, OTEL_TRACES_SAMPLER=always_off': {
    args: ['--require', '@spanwise/core/register'],
    env: { BENCH_VARIANT: 'spanwise', OTEL_TRACES_SAMPLER: 'always_off' },
  },
};
const dir = mkdtempSync(join(tmpdir(), 'spanwise-scavenge-'));
const sink = await startSink();

function load(port, durationS, rate) {
  const arg = JSON.stringify({ url: `http://127.0.0.1:${port}/hello`, connections: 50, durationS, rate });
  const [cmd, argv] = pinnedCommand(placement.load, process.execPath, [join(appsDir, 'paced-load.cjs'), arg]);
  return new Promise((resolve) => spawn(cmd, argv, { stdio: 'ignore' }).on('exit', resolve));
}

for (const [name, setup] of Object.entries(SETUPS)) {
  const file = join(dir, `${setup.env.BENCH_VARIANT}-${Object.keys(SETUPS).indexOf(name)}.log`);
  const args = ['--trace-gc-nvp', ...setup.args, 'apps/nest-http.cjs'];
  const [cmd, argv] = pinnedCommand(placement.app, process.execPath, args);
  const env = {
    ...process.env,
    ...setup.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    NODE_ENV: 'production',
  };
  const app = spawn(cmd, argv, {
    cwd: benchDir,
    env,
    stdio: ['ignore', openSync(file, 'w'), 'ignore', 'ipc'],
  });
  const port = await new Promise((resolve) => app.on('message', (m) => m.ready && resolve(m.ready)));
  await load(port, 1, 50);
  const from = readFileSync(file, 'utf8').length;
  await load(port, 5, 300);
  app.kill();
  await new Promise((resolve) => app.on('exit', resolve));
  const scavenges = readFileSync(file, 'utf8')
    .slice(from)
    .split('\n')
    .filter((line) => line.includes('gc=s '))
    .map((line) => ({
      pauseMs: Number(line.match(/pause=([\d.]+)/)[1]),
      survivedKB: Math.round(Number(line.match(/new_space_survived=(\d+)/)[1]) / 1024),
    }));
  console.log(`${name}: ${scavenges.map((s) => `${s.survivedKB} KB / ${s.pauseMs} ms`).join(', ')}`);
}
await sink.stop();
