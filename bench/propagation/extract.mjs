// Cost of one extract on hostile input, with every propagator on (tracecontext, baggage, b3, b3multi,
// jaeger, ottrace), as the issue-13 targets state them:
// - HTTP: each propagation header in turn filled to Node's default 16 KiB header limit, extracted with
//   OpenTelemetry's default getter as the HTTP server does (target: <= 1 ms per extract);
// - AMQP: extractContext() on header tables of 10 000 and 100 000 mixed-case keys (target: <= 2 ms at
//   10 000 keys). Each AMQP extract is timed alone, after an event-loop turn, so the per-carrier key index
//   is built inside the timed call every time, as it is for each delivered message. It prints wall and CPU
//   time, and the CPU time of one Object.keys() of the same table: the floor for any getter that matches
//   keys case-insensitively.
// Prints the median and the worst of the timed calls, in microseconds.
//
//   pnpm --filter @spanwise/core build && pnpm --filter @spanwise/amqplib build
//   node bench/propagation/extract.mjs [iterations=200]
import { createRequire } from 'node:module';
import { defaultTextMapGetter, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { median } from '../lib/stats.mjs';

const requireCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const requireAmqp = createRequire(new URL('../../packages/amqplib/package.json', import.meta.url));
const { createPropagator } = requireCore('./dist/cjs/config/propagators.js');
const { extractContext } = requireAmqp('./dist/cjs/index.js');

const iterations = Number(process.argv[2] ?? 200);
const ALL = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'ottrace'];
const propagator = createPropagator(ALL);
propagation.setGlobalPropagator(propagator);

const KIB16 = 16 * 1024;
const fill = (prefix, char) => prefix + char.repeat(KIB16 - prefix.length);
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const httpCases = {
  'b3 16 KiB': { b3: fill(`${TRACE}-${SPAN}-1-`, 'a') },
  'b3 16 KiB of dashes': { b3: fill('', '-') },
  'x-b3-traceid 16 KiB': { 'x-b3-traceid': fill('', 'a'), 'x-b3-spanid': SPAN },
  'uber-trace-id 16 KiB': { 'uber-trace-id': fill(`${TRACE}:${SPAN}:0:`, '1') },
  'uber-trace-id 16 KiB of %3A': { 'uber-trace-id': fill('', '%3A') },
  'jaeger-baggage 16 KiB': { 'jaeger-baggage': fill('', 'k=v,') },
  'uberctx-* 400 x 40 B': Object.fromEntries(
    Array.from({ length: 400 }, (_, i) => [`uberctx-k${i}`, 'blue+team%20'.repeat(3)]),
  ),
  'ot-tracer-traceid 16 KiB': { 'ot-tracer-traceid': fill('', 'A'), 'ot-tracer-spanid': SPAN },
  'traceparent 16 KiB': { traceparent: fill(`00-${TRACE}-${SPAN}-01-`, 'a') },
  'tracestate 16 KiB': { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: fill('', 'a=b,') },
  'baggage 16 KiB': { baggage: fill('', 'k=v,') },
};

function timeHttp(headers) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples;
}

function table(keys) {
  const headers = {};
  for (let i = 0; i < keys; i++) headers[`X-Header-${i}-${i % 2 ? 'Upper' : 'lower'}`] = `value-${i}`;
  headers['UBER-TRACE-ID'] = `${TRACE}:${SPAN}:0:1`;
  headers['Uberctx-Team'] = Buffer.from('blue+team');
  return headers;
}

// Wall time, and the CPU time this process really got (getrusage): on a shared, oversubscribed machine the
// wall time also counts the waits for a core.
async function timeEach(runs, fn) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu.push(used.user + used.system);
  }
  return { wall, cpu };
}

const row = (name, samples) =>
  console.log(
    `  ${name.padEnd(34)} median ${median(samples).toFixed(1).padStart(7)} µs   worst ${Math.max(...samples)
      .toFixed(1)
      .padStart(7)} µs`,
  );

console.log(`HTTP extract, every propagator, ${iterations} calls each (target <= 1000 µs):`);
for (const [name, headers] of Object.entries(httpCases)) {
  timeHttp(headers); // warm-up
  row(name, timeHttp(headers));
}
console.log(`AMQP extractContext on mixed-case tables (target <= 2000 µs at 10 000 keys):`);
for (const keys of [10, 10_000, 100_000]) {
  const headers = table(keys);
  await timeEach(5, () => extractContext(headers));
  const runs = keys >= 100_000 ? 20 : Math.min(iterations, 100);
  const extract = await timeEach(runs, () => extractContext(headers));
  row(`${keys} keys, wall`, extract.wall);
  row(`${keys} keys, CPU`, extract.cpu);
  // The floor: listing the keys once, which any case-insensitive getter must do on a miss.
  row(`${keys} keys: Object.keys alone, CPU`, (await timeEach(runs, () => Object.keys(headers))).cpu);
}
