'use strict';
// `bench/engine/span-cost.mjs` child: the CPU cost of one span through the engine SPANWISE_ENGINE names,
// in Spanwise's runtime (startTracing, OTEL_TRACES_EXPORTER=none: ended spans counted, never encoded).
// BENCH_SPAN_OP: `server` (a span shaped like the HTTP server span: kind, start attributes, 4 more
// attributes, a status check, end), `child` (an internal span started under it with startActiveSpan and
// ended), and BENCH_SAMPLER picks `always_on` or `always_off`. Prints CPU ns per operation, median of 5 runs.
const { context, trace, SpanKind } = require('@opentelemetry/api');

const op = process.env.BENCH_SPAN_OP || 'server';
const timeMs = Number(process.env.BENCH_MICRO_TIME_MS || 500);
process.env.OTEL_TRACES_SAMPLER = process.env.BENCH_SAMPLER || 'always_on';
const tracing = require('@spanwise/core').startTracing({ exporter: 'none', handleSignals: false });
const tracer = trace.getTracer('span-cost');

const START = { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': '/hello' } };
function server() {
  const span = tracer.startSpan('GET', START);
  if (span.isRecording()) {
    span.setAttributes({
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'autocannon',
    });
    span.setAttribute('http.response.status_code', 200);
  }
  span.end();
}
const parent = trace.setSpan(context.active(), tracer.startSpan('parent'));
function child() {
  tracer.startActiveSpan('HelloService.greet', {}, parent, (span) => span.end());
}
const run = op === 'child' ? child : server;

function measure() {
  let ops = 0;
  const start = process.cpuUsage();
  const until = performance.now() + timeMs;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) run();
    ops += 1000;
  }
  const cpu = process.cpuUsage(start);
  return ((cpu.user + cpu.system) * 1000) / ops;
}

setImmediate(() => {
  measure(); // warm-up
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(measure());
  runs.sort((a, b) => a - b);
  const recorded = tracing.stats().exportedSpans;
  process.stdout.write(`${JSON.stringify({ op, nsPerOp: runs[2], recorded })}\n`);
});
