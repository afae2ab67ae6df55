// What OTLP over gRPC adds to an app: `node bench/grpc-footprint.mjs` (not part of the test run, and it
// rewrites no doc). Three measurements:
// 1. install: `npm install @grpc/grpc-js@<version core is tested with>` in an empty temporary project
//    (needs the npm registry): packages and bytes it adds;
// 2. modules: CommonJS modules loaded after the event loop's first turn (the export pipeline is built
//    then) under the register hook, http/protobuf vs grpc;
// 3. start-up: `--require @spanwise/core/register -e 'setImmediate(() => {})'`, http/protobuf and grpc
//    interleaved, collector unreachable, CPU (user+sys), wall and peak RSS from GNU time, pinned like
//    the start-up scenario. BENCH_STARTUP_RUNS (default 15) runs per set-up; medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDir } from './lib/paths.mjs';
import { closedPort } from './lib/ports.mjs';
import { pinnedCommand, placement } from './lib/procs.mjs';
import { median } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const corePackage = require('@spanwise/core/package.json');
const grpcVersion = createRequire(require.resolve('@spanwise/core/package.json'))(
  '@grpc/grpc-js/package.json',
).version;
const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 15);
const TIME = '/usr/bin/time';

function install() {
  const dir = mkdtempSync(join(tmpdir(), 'spanwise-grpc-install-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"grpc-footprint","private":true}\n');
    const npmOpts = { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };
    execFileSync('npm', ['install', '--no-audit', '--no-fund', `@grpc/grpc-js@${grpcVersion}`], npmOpts);
    const listed = execFileSync('npm', ['ls', '--all', '--parseable'], npmOpts).trim().split('\n').slice(1);
    const du = (flag) => Number(execFileSync('du', ['-sk', ...flag, 'node_modules'], npmOpts).split('\t')[0]);
    return { packages: listed.length, apparentMB: du(['--apparent-size']) / 1024, diskMB: du([]) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SCRIPT = 'setImmediate(() => {})';

function env(protocol, port) {
  return {
    ...process.env,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_SERVICE_NAME: 'bench-grpc-footprint',
  };
}

function modules(protocol, port) {
  const count = 'setImmediate(() => console.log(Object.keys(require.cache).length))';
  const out = spawnSync(process.execPath, ['--require', '@spanwise/core/register', '-e', count], {
    cwd: benchDir,
    env: env(protocol, port),
    encoding: 'utf8',
  });
  return Number(out.stdout.trim());
}

function timed(protocol, port) {
  const out = join(tmpdir(), `spanwise-grpc-footprint-${process.pid}.txt`);
  const args = ['-f', '%e %U %S %M', '-o', out, process.execPath, '--require', '@spanwise/core/register'];
  const [cmd, argv] = pinnedCommand(placement.app, TIME, [...args, '-e', SCRIPT]);
  spawnSync(cmd, argv, { cwd: benchDir, env: env(protocol, port), stdio: 'ignore' });
  const [wall, user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(out, { force: true });
  return { wallS: wall, cpuS: user + sys, rssMB: rssKb / 1024 };
}

const port = await closedPort();
const installed = install();
console.log(
  `install: @grpc/grpc-js@${grpcVersion} adds ${installed.packages} packages, ` +
    `${installed.apparentMB.toFixed(1)} MB (${installed.diskMB.toFixed(1)} MB on disk)`,
);
const http = modules('http/protobuf', port);
const grpc = modules('grpc', port);
console.log(`modules after the first turn: http/protobuf ${http}, grpc ${grpc} (+${grpc - http})`);
const results = { 'http/protobuf': [], grpc: [] };
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ['http/protobuf', 'grpc'] : ['grpc', 'http/protobuf'];
  for (const protocol of order) results[protocol].push(timed(protocol, port));
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(
  `start-up (@spanwise/core ${corePackage.version}, ${runs} interleaved runs each, load average ${load}, CPU ${placement.app ?? 'any'}):`,
);
const med = (protocol, key) => median(results[protocol].map((r) => r[key]));
for (const protocol of Object.keys(results)) {
  console.log(
    `  ${protocol}: CPU ${med(protocol, 'cpuS').toFixed(3)} s, wall ${med(protocol, 'wallS').toFixed(3)} s, peak RSS ${med(protocol, 'rssMB').toFixed(1)} MB`,
  );
}
console.log(
  `  grpc adds: CPU +${(med('grpc', 'cpuS') - med('http/protobuf', 'cpuS')).toFixed(3)} s, wall +${(med('grpc', 'wallS') - med('http/protobuf', 'wallS')).toFixed(3)} s, peak RSS +${(med('grpc', 'rssMB') - med('http/protobuf', 'rssMB')).toFixed(1)} MB`,
);
