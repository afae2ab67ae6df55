// What the figures were measured on: Node, the packages compared, the machine and its load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { config } from './config.mjs';
import { benchDir, rootDir } from './paths.mjs';
import { placement } from './procs.mjs';

const PACKAGES = [
  '@nestjs/core',
  '@nestjs/platform-express',
  '@opentelemetry/api',
  '@opentelemetry/sdk-node',
  '@opentelemetry/auto-instrumentations-node',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/instrumentation-http',
  'nestjs-otel',
  'amqplib',
  'autocannon',
  'tinybench',
  '@spanwise/core',
  '@spanwise/nestjs',
  '@spanwise/amqplib',
];

function versionOf(name) {
  try {
    // Read through bench/node_modules: some packages' export maps do not expose package.json.
    return JSON.parse(readFileSync(join(benchDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** The checked-out commit, marked `+changes` when the work tree differs from it. */
function commit() {
  try {
    const git = (args) => execFileSync('git', args, { cwd: rootDir, encoding: 'utf8' }).trim();
    return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'bench', 'packages']) ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** A snapshot of the environment, stored with every result file. */
export function machineInfo() {
  const cpu = cpus();
  return {
    node: process.version,
    commit: commit(),
    platform: `${process.platform} ${process.arch}`,
    nproc: config.cores,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadavg1m: Math.round(loadavg()[0] * 100) / 100,
    placement,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, versionOf(p)])),
  };
}
