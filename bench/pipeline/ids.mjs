// Trace and span id generation: the SDK's RandomIdGenerator against the PooledIdGenerator Spanwise gives
// its tracer provider. Interleaved rounds; prints ns per id pair (one trace id and one span id) and the ratio.
//
//   node bench/pipeline/ids.mjs [rounds=6] [pairsPerRound=2000000]
import { createRequire } from 'node:module';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';
import { median } from '../lib/stats.mjs';

const core = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { PooledIdGenerator } = core('./dist/cjs/sdk/pooled-id-generator.js');

const rounds = Number(process.argv[2] ?? 6);
const pairs = Number(process.argv[3] ?? 2_000_000);
const setups = { sdk: new RandomIdGenerator(), spanwise: new PooledIdGenerator() };
const ns = { sdk: [], spanwise: [] };
let check = 0;

function time(generator) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < pairs; i++) {
    const traceId = generator.generateTraceId();
    const spanId = generator.generateSpanId();
    // Read both, as an encoder would, so neither can be optimised away.
    check += traceId.charCodeAt(31) + spanId.charCodeAt(15);
  }
  return Number(process.hrtime.bigint() - start) / pairs;
}

time(setups.sdk);
time(setups.spanwise);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['sdk', 'spanwise'] : ['spanwise', 'sdk'];
  for (const name of order) ns[name].push(time(setups[name]));
}
const sdk = median(ns.sdk);
const spanwise = median(ns.spanwise);
console.log(`ns per trace id + span id (median of ${rounds} rounds of ${pairs}):`);
console.log(`  RandomIdGenerator (SDK)      ${sdk.toFixed(0)}`);
console.log(`  PooledIdGenerator (Spanwise) ${spanwise.toFixed(0)}`);
console.log(`  ratio SDK / Spanwise         ${(sdk / spanwise).toFixed(1)}x  (checksum ${check % 997})`);
