// Would encoding in a worker thread take work off the main thread? A ReadableSpan cannot be transferred,
// so the main thread would still have to turn each span into plain data and structured-clone it into the
// worker. This times that, per span, against encoding the same spans to OTLP protobuf on the main thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The serializer the pipeline uses, from @spanwise/core's own dependencies.
const core = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { ProtobufTraceSerializer } = core('@opentelemetry/otlp-transformer');

/** What a worker needs from a span to encode it: every field, as plain data. */
function project(span) {
  const ctx = span.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    traceFlags: ctx.traceFlags,
    traceState: ctx.traceState?.serialize(),
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: l.attributes,
    })),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    scope: span.instrumentationScope.name,
  };
}

function timeUs(iterations, perIteration, fn) {
  for (let i = 0; i < 5; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) * 1000) / (iterations * perIteration);
}

export async function measureWorkerOffload(batch, iterations) {
  const worker = new Worker(
    'const { parentPort } = require("node:worker_threads"); parentPort.on("message", () => {});',
    {
      eval: true,
    },
  );
  const encodeUs = timeUs(iterations, batch.length, () => ProtobufTraceSerializer.serializeRequest(batch));
  const projectUs = timeUs(iterations, batch.length, () => batch.map(project));
  const postUs = timeUs(iterations, batch.length, () => worker.postMessage(batch.map(project)));
  await worker.terminate();
  return { encodeUs, projectUs, postUs };
}
