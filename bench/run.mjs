// `pnpm bench [scenario...]`: runs the named scenarios (all by default), writes bench/results/<name>.json
// and regenerates the figures in docs/benchmarks.md. Never part of the test run.
import { writeDocs } from './lib/docs.mjs';
import { writeResult } from './lib/results.mjs';
import { runDecorators } from './scenarios/decorators.mjs';
import { runHttp } from './scenarios/http.mjs';
import { runOutage } from './scenarios/outage.mjs';
import { runStartup } from './scenarios/startup.mjs';

const SCENARIOS = {
  http: runHttp,
  decorators: runDecorators,
  startup: runStartup,
  outage: runOutage,
};

const log = (line) => process.stdout.write(`${line}\n`);
const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((a) => !(a in SCENARIOS));
if (unknown.length > 0) {
  log(`unknown scenario ${unknown.join(', ')}; choose from: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(SCENARIOS)) {
  log(`== ${name}`);
  const body = await SCENARIOS[name](log);
  log(`  -> ${writeResult(name, body)}`);
}
log(`docs: ${writeDocs()}`);
