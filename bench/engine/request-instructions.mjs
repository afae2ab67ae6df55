// `node bench/engine/request-instructions.mjs [variant...]`: machine instructions per request on the app's
// main thread, counted by valgrind's callgrind, for the scenario-1 endpoint (bench/apps/nest-http.cjs) in
// the set-ups of `pnpm bench http` (default: untraced, spanwise, spanwise-unsampled).
//
// Why: on a shared 2-core machine req/s and CPU time swing by 10-30 % from run to run, too much to tell a
// change of a few per cent; an instruction count of the same requests repeats to about 0.5 %. It is not
// time (a cache miss costs more than an add), so it complements `pnpm bench http`, never replaces it.
//
// Each set-up runs under `valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes`, counting
// off. BENCH_CG_WARMUP requests (6000) warm it up, unmeasured, and are exported; then counting goes on
// (`callgrind_control -i on`) for BENCH_CG_REQUESTS requests (3000), sent over BENCH_CG_CONNECTIONS
// keep-alive connections (8), and for the flush that exports their spans, and off again. Only the main
// thread's count is used: the export pipeline's sockets and timers run there too; libuv's pool threads do
// not take part in these requests.
//
// Needs valgrind (`apt-get install valgrind`, as root). With BENCH_BASE_DIR set, `spanwise-base` (the
// spanwise set-up from that checkout) can be named too, to count a change against its base.
// BENCH_CG_KEEP=1 keeps the callgrind dumps (the directory is printed) for a look by function; with
// NODE_OPTIONS=--perf-basic-prof, /tmp/perf-<pid>.map names the JIT-compiled functions' addresses in them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP_VARIANTS, httpVariantAvailable } from '../lib/http-app.mjs';
import { benchDir } from '../lib/paths.mjs';
import { placement, startNode } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { writeResult } from '../lib/results.mjs';

const WARMUP = Number(process.env.BENCH_CG_WARMUP || 6000);
const REQUESTS = Number(process.env.BENCH_CG_REQUESTS || 3000);
const CONNECTIONS = Number(process.env.BENCH_CG_CONNECTIONS || 8);
const asked = process.argv.slice(2).filter((a) => a !== '--');
const variants = asked.length > 0 ? asked : ['untraced', 'spanwise', 'spanwise-unsampled'];

const log = (line) => process.stdout.write(`${line}\n`);
if (spawnSync('valgrind', ['--version']).status !== 0) {
  log('valgrind is not installed: apt-get update && apt-get install -y valgrind (as root)');
  process.exit(2);
}
for (const name of variants) {
  if (!(name in HTTP_VARIANTS)) {
    log(`unknown set-up ${name}; choose from: ${Object.keys(HTTP_VARIANTS).join(', ')}`);
    process.exit(2);
  }
  const available = httpVariantAvailable(name);
  if (!available.ok) {
    log(`${name} cannot run: ${available.reason}`);
    process.exit(2);
  }
}

/** `count` GETs of /hello over `connections` keep-alive connections; rejects on any non-200. */
async function send(port, count, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let left = count;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/hello', agent }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (left > 0) {
      left--;
      await one();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
}

function control(...args) {
  const r = spawnSync('callgrind_control', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/** The main thread's instruction total in the dump callgrind wrote for `pid`. */
function mainThreadInstructions(dir, pid) {
  const file = readdirSync(dir).find((f) => f.startsWith(`callgrind.out.${pid}.`) && f.endsWith('-01'));
  if (!file) throw new Error(`no main-thread dump for ${pid} in ${dir}: ${readdirSync(dir).join(', ')}`);
  // `summary:` at the top can read 0 with counting toggled; `totals:` at the end holds the count.
  const match = /^totals: (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
  if (!match) throw new Error(`no totals in ${file}`);
  return Number(match[1]);
}

async function count(name) {
  const v = HTTP_VARIANTS[name];
  const dir = mkdtempSync(join(tmpdir(), 'spanwise-cg-'));
  const sink = await startSink();
  const app = await startNode(placement.app, v.args, {
    cwd: v.cwd ?? benchDir,
    env: {
      ...v.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
      OTEL_SERVICE_NAME: 'bench-http',
      NODE_ENV: 'production',
    },
    timeoutMs: 300_000,
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, 'callgrind.out.%p')}`,
    ],
  });
  try {
    const pid = app.child.pid;
    await send(app.ready, WARMUP, CONNECTIONS);
    await app.request({ cmd: 'drain' }, 300_000);
    const before = await app.request({ cmd: 'counts' });
    control('-i', 'on', String(pid));
    await send(app.ready, REQUESTS, CONNECTIONS);
    const after = await app.request({ cmd: 'drain' }, 300_000);
    control('-i', 'off', String(pid));
    control('-d', String(pid));
    const handled = after.handled - before.handled;
    const spans = after.ended === null || before.ended === null ? 0 : after.ended - before.ended;
    const received = (await sink.counts()).spans;
    return {
      instructionsPerRequest: Math.round(mainThreadInstructions(dir, pid) / handled),
      requests: handled,
      spansPerRequest: Math.round((spans / handled) * 100) / 100,
      // Over the app's whole life (warm-up included), after the final drain; none for a set-up that sends none.
      spansLost: v.exports === false ? null : (after.ended ?? 0) - received,
      droppedReported: after.dropped ?? 0,
    };
  } finally {
    await app.exit();
    await sink.stop();
    if (process.env.BENCH_CG_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    else log(`  dumps kept in ${dir}`);
  }
}

const results = {};
for (const name of variants) {
  log(`${name}: ${WARMUP} warm-up + ${REQUESTS} counted requests under callgrind...`);
  results[name] = await count(name);
  log(`  ${JSON.stringify(results[name])}`);
}
const base = results.untraced?.instructionsPerRequest;
log('');
log('| set-up | instructions per request | untraced / set-up | over untraced |');
log('| --- | --- | --- | --- |');
for (const [name, r] of Object.entries(results)) {
  const k = (n) => `${(n / 1000).toFixed(1)}k`;
  const ratio = base ? (base / r.instructionsPerRequest).toFixed(3) : 'n/a';
  const over = base ? k(r.instructionsPerRequest - base) : 'n/a';
  log(`| ${name} | ${k(r.instructionsPerRequest)} | ${ratio} | ${over} |`);
}
log(
  `  -> ${writeResult('request-instructions', { warmup: WARMUP, requests: REQUESTS, connections: CONNECTIONS, results })}`,
);
