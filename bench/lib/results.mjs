import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from './config.mjs';
import { machineInfo } from './machine.mjs';
import { resultsDir } from './paths.mjs';

/** Writes bench/results/<scenario>.json with the machine, knobs and time of the run. */
export function writeResult(scenario, data) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${scenario}.json`);
  const body = { scenario, finishedAt: new Date().toISOString(), machine: machineInfo(), config, ...data };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/** Every stored result, keyed by scenario. */
export function readResults() {
  const out = {};
  let files = [];
  try {
    files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
  } catch {
    return out;
  }
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
    out[r.scenario] = r;
  }
  return out;
}
