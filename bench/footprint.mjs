// `node bench/footprint.mjs`: what installing Spanwise costs an app. Packs the workspace packages from their
// current build (run `pnpm build` first), installs each set with npm into a fresh directory, and prints the
// size of node_modules (MiB, on disk as `du -m` counts it, and of file content) and the number of packages npm installed, beside
// the stock OpenTelemetry setup and the targets of issue 16. Exits 1 when a target is missed.
//
// FOOTPRINT_WITHOUT=<name,...> also measures core with those dependencies removed from its tarball, to size a
// dependency before it goes (e.g. FOOTPRINT_WITHOUT=@opentelemetry/propagator-jaeger).
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from './lib/paths.mjs';

const MIB = 2 ** 20;
const log = (line) => process.stdout.write(`${line}\n`);
const work = mkdtempSync(join(tmpdir(), 'spanwise-footprint-'));
const cache = process.env.FOOTPRINT_NPM_CACHE ?? join(tmpdir(), 'spanwise-npm-cache');
const benchManifest = JSON.parse(readFileSync(join(rootDir, 'bench', 'package.json'), 'utf8'));
const apiRange = '^1.10.0';

/** `pnpm pack` of a workspace package from its current build: the tarball a user receives. */
function pack(dir) {
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', work], {
    cwd: join(rootDir, 'packages', dir),
    encoding: 'utf8',
  });
  return JSON.parse(out).filename;
}
const [core, nestjs, amqplib, cli, headers] = ['core', 'nestjs', 'amqplib', 'cli', 'headers'].map(pack);

/** Bytes of file content under `dir` (symlinks counted as links, not followed). */
function sizeOf(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/**
 * `npm install specs` in a fresh project; returns the disk usage of node_modules in MiB (what `du -m` reports,
 * the figure a team sees) and npm's package count.
 */
function install(name, specs) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'footprint', private: true }));
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      '--cache',
      cache,
      ...specs,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const packages = Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/')).length;
  const du = execFileSync('du', ['-s', '--block-size=1', join(dir, 'node_modules')], { encoding: 'utf8' });
  return { mb: Number.parseInt(du, 10) / MIB, contentMb: sizeOf(join(dir, 'node_modules')) / MIB, packages };
}

/** A copy of `tarball` whose package.json lists none of `names` as a dependency. */
function withoutDependencies(tarball, names) {
  const dir = mkdtempSync(join(work, 'strip-'));
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  const manifestPath = join(dir, 'package', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const name of names) delete manifest.dependencies[name];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const out = join(dir, 'stripped.tgz');
  execFileSync('tar', ['czf', out, '-C', dir, 'package']);
  return out;
}

const without = (process.env.FOOTPRINT_WITHOUT ?? '').split(',').filter(Boolean);
const nestApp = [
  '@nestjs/common@^12.0.0',
  '@nestjs/core@^12.0.0',
  'reflect-metadata@^0.2.0',
  'rxjs@^7.8.0',
].concat(`@opentelemetry/api@${apiRange}`);
const sets = [
  {
    name: '@spanwise/core + @opentelemetry/api',
    specs: [core, headers, `@opentelemetry/api@${apiRange}`],
    maxMb: 25,
    maxPackages: 40,
  },
  ...(without.length > 0
    ? [
        {
          name: `  same, without ${without.join(', ')}`,
          specs: [withoutDependencies(core, without), headers, `@opentelemetry/api@${apiRange}`],
          maxMb: 25,
          maxPackages: 40,
        },
      ]
    : []),
  { name: 'NestJS 12 (common, core, rxjs, reflect-metadata) + @opentelemetry/api', specs: nestApp },
  { name: '  same + @spanwise/nestjs (an app with its own SDK)', specs: [...nestApp, nestjs, headers] },
  {
    name: '@spanwise/amqplib + @opentelemetry/api',
    specs: [amqplib, headers, `@opentelemetry/api@${apiRange}`],
  },
  {
    name: 'core, nestjs, amqplib, cli, headers + @opentelemetry/api',
    specs: [core, nestjs, amqplib, cli, headers, `@opentelemetry/api@${apiRange}`],
  },
  { name: '@spanwise/cli', specs: [cli], maxMb: 5 },
  {
    name: 'stock: sdk-node + auto-instrumentations-node + api',
    specs: ['@opentelemetry/sdk-node', '@opentelemetry/auto-instrumentations-node', '@opentelemetry/api'].map(
      (dep) => `${dep}@${benchManifest.dependencies[dep]}`,
    ),
  },
];

log('| install | MiB on disk (du) | MiB of files | packages | target |');
log('| --- | --- | --- | --- | --- |');
let missed = 0;
for (const [i, set] of sets.entries()) {
  const { mb, contentMb, packages } = install(`set-${i}`, set.specs);
  const targets = [];
  if (set.maxMb !== undefined) targets.push(`≤ ${set.maxMb} MiB`);
  if (set.maxPackages !== undefined) targets.push(`≤ ${set.maxPackages} packages`);
  const ok =
    (set.maxMb === undefined || mb <= set.maxMb) &&
    (set.maxPackages === undefined || packages <= set.maxPackages);
  if (!ok) missed += 1;
  const verdict = targets.length === 0 ? '' : `${targets.join(', ')}: ${ok ? 'met' : 'MISSED'}`;
  log(`| ${set.name} | ${mb.toFixed(1)} | ${contentMb.toFixed(1)} | ${packages} | ${verdict} |`);
}
rmSync(work, { recursive: true, force: true });
process.exitCode = missed > 0 ? 1 : 0;
