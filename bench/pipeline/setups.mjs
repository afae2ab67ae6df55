// The two setups compared, each wrapped as: feed every span to onEnd, then forceFlush.
import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';

const core = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { createExportPipeline } = core('./dist/cjs/export/index.js');

const BATCH = 512;
const LARGE = 1_000_000;

/** Spanwise: the export pipeline with its defaults, except limits large enough to never drop in the bench. */
export function spanwise(url) {
  return createExportPipeline({
    endpoint: url,
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 10_000,
    compression: 'none',
    maxQueueSize: LARGE,
    maxQueueBytes: 1024 * 1024 * 1024,
    maxExportBatchSize: BATCH,
    scheduledDelayMs: 5000,
    dropPolicy: 'newest',
  });
}

/**
 * Stock OTel: BatchSpanProcessor + OTLPTraceExporter (http/protobuf), same batch size and limits. The
 * exporter's concurrency limit is raised: the BSP starts an export per full batch without waiting for the
 * previous one, and at its default (30) the exporter throws "Concurrent export limit reached".
 */
export function stock(url) {
  return new BatchSpanProcessor({
    exporter: new OTLPTraceExporter({ url, concurrencyLimit: LARGE }),
    maxQueueSize: LARGE,
    maxExportBatchSize: BATCH,
    scheduledDelayMillis: 5000,
    exportTimeoutMillis: 10_000,
  });
}

/** Feeds `spans` through `processor` in slices of `perTick` per event-loop turn, like requests ending. */
export async function ship(processor, spans, perTick = 64) {
  for (let i = 0; i < spans.length; i += perTick) {
    const end = Math.min(spans.length, i + perTick);
    for (let j = i; j < end; j++) processor.onEnd(spans[j]);
    await new Promise(setImmediate);
  }
  await processor.forceFlush();
}
