import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.mjs';

/** bench/ */
export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const rootDir = dirname(benchDir);
/** Where each scenario writes its JSON (gitignored). */
export const resultsDir = join(benchDir, 'results');
/** The benchmark apps. */
export const appsDir = join(benchDir, 'apps');

/** With BENCH_CPU_PROF=1, bench/results/profiles/<scenario> (created); otherwise undefined. */
export function profileDir(scenario) {
  if (!config.cpuProf) return undefined;
  const dir = join(resultsDir, 'profiles', scenario);
  mkdirSync(dir, { recursive: true });
  return dir;
}
