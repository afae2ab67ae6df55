// `pnpm bench [scenario...]`: runs the named scenarios (all by default), writes bench/results/<name>.json
// and regenerates the figures in docs/benchmarks.md. Never part of the test run.
import { writeDocs } from './lib/docs.mjs';
import { writeResult } from './lib/results.mjs';
import { takeRunLock } from './lib/run-lock.mjs';
import { runAmqp } from './scenarios/amqp.mjs';
import { runDecorators } from './scenarios/decorators.mjs';
import { runFirstExports } from './scenarios/first-exports.mjs';
import { runHttp } from './scenarios/http.mjs';
import { runOutage } from './scenarios/outage.mjs';
import { runStartup } from './scenarios/startup.mjs';

const SCENARIOS = {
  http: runHttp,
  decorators: runDecorators,
  startup: runStartup,
  outage: runOutage,
  amqp: runAmqp,
  'first-exports': runFirstExports,
};

const log = (line) => process.stdout.write(`${line}\n`);
const asked = process.argv.slice(2).filter((a) => a !== '--');
// `pnpm bench docs` only regenerates docs/benchmarks.md from the stored results.
const docsOnly = asked.length === 1 && asked[0] === 'docs';
const unknown = docsOnly ? [] : asked.filter((a) => !(a in SCENARIOS));
if (unknown.length > 0) {
  log(`unknown scenario ${unknown.join(', ')}; choose from: ${Object.keys(SCENARIOS).join(', ')} (or docs)`);
  process.exit(2);
}
const holder = docsOnly ? null : takeRunLock();
if (holder !== null) {
  log(`another pnpm bench (pid ${holder}) is running on this machine; wait for it to finish`);
  process.exit(3);
}
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// One scenario failing (no broker, say) does not stop the others; the run still exits non-zero.
const failed = [];
for (const name of docsOnly ? [] : asked.length > 0 ? asked : Object.keys(SCENARIOS)) {
  log(`== ${name}`);
  try {
    const body = await SCENARIOS[name](log);
    log(`  -> ${writeResult(name, body)}`);
  } catch (err) {
    failed.push(name);
    log(`  FAILED: ${err?.stack ?? err}`);
  }
}
log(`docs: ${writeDocs()}`);
if (failed.length > 0) {
  log(`failed scenarios: ${failed.join(', ')}`);
  process.exitCode = 1;
}
