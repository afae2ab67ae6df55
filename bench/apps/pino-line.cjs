'use strict';
// Child of bench/logs/pino-correlation.mjs: the cost of one pino line written inside an active span, run
// under `--require @spanwise/core/register`. BENCH_PINO_LINE picks the line:
//   minimal: `logger.info('hi')` on a logger without base fields, the cheapest line pino writes;
//   request: what a Nest handler writes through nestjs-pino: the request's child logger (pid, hostname and
//            the request bound once) and `logger.info({ orderId, userId, items }, 'order placed')`.
// BENCH_PINO_SETUP picks how the line gets its trace ids:
//   off:      none (OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino is set by the driver);
//   by-hand:  a pino `mixin` reading the active span, the way an app adds them itself;
//   otel:     @opentelemetry/instrumentation-pino (log sending off), what Spanwise used before;
//   spanwise: Spanwise's pino correlation (the default).
// Lines go to a stream that drops them, so the figure is pino's work and not the terminal's. The figure is the
// median over samples of the process's CPU time (user + system, so garbage collection counts) per line: on a
// shared machine, wall time would also count the moments another process had the core. Prints one JSON line.
const { trace } = require('@opentelemetry/api');

const setup = process.env.BENCH_PINO_SETUP || 'spanwise';
if (setup === 'otel') {
  const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');
  new PinoInstrumentation({ disableLogSending: true });
}
const pino = require('pino');

const LINES_PER_SAMPLE = 10_000;
const timeMs = Number(process.env.BENCH_MICRO_TIME_MS || 500);
let bytes = 0;
const sink = {
  write(line) {
    bytes += line.length;
    return true;
  },
};
function byHand() {
  const ids = trace.getActiveSpan()?.spanContext();
  if (ids === undefined) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId, trace_flags: `0${ids.traceFlags.toString(16)}` };
}
const mixin = setup === 'by-hand' ? { mixin: byHand } : {};
const lines = {
  minimal() {
    const logger = pino({ base: undefined, ...mixin }, sink);
    return () => logger.info('hi');
  },
  request() {
    const logger = pino({ ...mixin }, sink).child({
      req: { id: 1, method: 'POST', url: '/orders', remoteAddress: '127.0.0.1' },
    });
    return () => logger.info({ orderId: 1234, userId: 'u-5678', items: 3 }, 'order placed');
  },
};
const kind = process.env.BENCH_PINO_LINE || 'minimal';
const tracer = trace.getTracer('bench-logs');

/** CPU nanoseconds per line over one sample of LINES_PER_SAMPLE lines. */
function sample(line) {
  const start = process.cpuUsage();
  for (let i = 0; i < LINES_PER_SAMPLE; i++) line();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / LINES_PER_SAMPLE;
}

function measure(line) {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) sample(line);
  const samples = [];
  const until = performance.now() + timeMs;
  while (performance.now() < until) samples.push(sample(line));
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const result = tracer.startActiveSpan('request', (span) => {
  const line = lines[kind]();
  const nsPerOp = measure(line);
  const before = bytes;
  line();
  span.end();
  return { nsPerOp, lineBytes: bytes - before };
});
const probe = { line: '' };
const probeLogger = pino({ base: undefined, ...mixin }, { write: (line) => (probe.line = line) });
tracer.startActiveSpan('probe', (span) => {
  probeLogger.info('probe');
  span.end();
});
process.stdout.write(`${JSON.stringify({ ...result, correlated: probe.line.includes('"trace_id"') })}\n`);
