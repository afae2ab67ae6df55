'use strict';
// Child of bench/logs/pino-correlation.mjs: the cost of one pino line written inside an active span, run
// under `--require @spanwise/core/register`, with the pino instrumentation on (correlation) or disabled by
// OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino (the same line without it). Lines go to a stream that drops them,
// so the figure is pino's work (serialising, the mixin) and not the terminal's. BENCH_PINO_BY_HAND=1 writes
// the three fields by hand instead (the ids of the active span, read per line): what the line costs with the
// same content and no instrumentation. Prints one JSON line.
const { Writable } = require('node:stream');
const { context, trace } = require('@opentelemetry/api');
const pino = require('pino');
const { Bench } = require('tinybench');

const timeMs = Number(process.env.BENCH_MICRO_TIME_MS || 500);
let bytes = 0;
const sink = new Writable({
  write(chunk, _encoding, callback) {
    bytes += chunk.length;
    callback();
  },
});
sink.write = (chunk) => {
  bytes += chunk.length;
  return true;
};
const logger = pino({ base: undefined }, sink);
const tracer = trace.getTracer('bench-logs');

async function main() {
  const bench = new Bench({ time: timeMs, warmupTime: 200 });
  await tracer.startActiveSpan('request', async (span) => {
    if (process.env.BENCH_PINO_BY_HAND === '1') {
      bench.add('line in span, ids by hand', () => {
        const ids = trace.getSpan(context.active()).spanContext();
        logger.info(
          { orderId: 42, user: 'ada', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' },
          'order placed',
        );
      });
    } else {
      bench.add('line in span', () => {
        logger.info({ orderId: 42, user: 'ada' }, 'order placed');
      });
    }
    await bench.run();
    span.end();
  });
  const task = bench.tasks[0];
  const sample = { line: '' };
  const probe = pino({ base: undefined }, { write: (line) => (sample.line = line) });
  tracer.startActiveSpan('probe', (span) => {
    probe.info('probe');
    span.end();
  });
  process.stdout.write(
    `${JSON.stringify({
      nsPerOp: task.result.latency.p50 * 1e6,
      correlated: sample.line.includes('"trace_id"'),
      bytes,
    })}\n`,
  );
}
void main();
