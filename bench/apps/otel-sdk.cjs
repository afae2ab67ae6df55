'use strict';
// The stock OpenTelemetry SDK set-ups, as the common NestJS tutorials write them: NodeSDK, an OTLP
// exporter, and either every auto-instrumentation or the HTTP one alone. Preloaded with --require so the
// instrumentations patch http/express before the app loads them. The counting span processor is the
// bench's only addition: it lets the drain compare spans ended in the app with spans the receiver got.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { trace } = require('@opentelemetry/api');

function instrumentations(setup) {
  if (setup === 'stock') {
    const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
    return [getNodeAutoInstrumentations()];
  }
  if (setup === 'otel-http') {
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
    return [new HttpInstrumentation()];
  }
  throw new Error(`BENCH_OTEL_SETUP must be stock or otel-http, got ${setup}`);
}

const counter = {
  ended: 0,
  onStart() {},
  onEnd() {
    counter.ended++;
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || 'bench-app',
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }), counter],
  instrumentations: instrumentations(process.env.BENCH_OTEL_SETUP),
});
sdk.start();

process.on('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});

globalThis[Symbol.for('spanwise.bench.tracing')] = {
  flush: () => trace.getTracerProvider().getDelegate().forceFlush(),
  counts: () => ({ ended: counter.ended, dropped: null }),
};
