import type { Attributes, Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { createExportPipeline, type ExportPipeline } from '../../src/export/index.js';
import type { ExportConfig, ExportStats } from '../../src/types.js';

/** A config for tests: small limits, short delays, the given endpoint. */
export function testConfig(endpoint: string, overrides: Partial<ExportConfig> = {}): ExportConfig {
  return {
    endpoint,
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 2000,
    compression: 'none',
    maxQueueSize: 2048,
    maxQueueBytes: 8 * 1024 * 1024,
    maxExportBatchSize: 512,
    scheduledDelayMs: 50,
    dropPolicy: 'newest',
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    probeIntervalMs: 100,
    ...overrides,
  };
}

/** A tracer provider feeding a pipeline, counting the spans it ends. */
export class Harness {
  readonly pipeline: ExportPipeline;
  /** Span ids in the order the spans ended. */
  readonly ids: string[] = [];
  ended = 0;
  private readonly provider: TracerProvider;

  constructor(config: ExportConfig, resourceAttributes: Attributes = {}) {
    this.pipeline = createExportPipeline(config);
    this.provider = new TracerProvider({
      spanProcessors: [this.pipeline],
      resource: resourceFromAttributes(resourceAttributes),
    });
  }

  /** A tracer of the provider, for tests that build their own spans. */
  tracer(name: string, version?: string): Tracer {
    return this.provider.getTracer(name, version);
  }

  /** Ends `count` spans, each with a few attributes of every type. */
  endSpans(count: number, attributes: Record<string, string | number | boolean> = {}): void {
    const tracer = this.provider.getTracer('harness', '1.0.0');
    for (let i = 0; i < count; i++) {
      const span = tracer.startSpan(`op-${i}`, { attributes: { i, ok: true, s: 'value', ...attributes } });
      this.ids.push(span.spanContext().spanId);
      span.end();
      this.ended++;
    }
  }

  /** The accounting invariant: ended = exported + dropped + queued. */
  accounted(stats: ExportStats = this.pipeline.stats()): number {
    const d = stats.droppedSpans;
    return stats.exportedSpans + d.queueFull + d.exportFailed + d.shutdown + stats.queuedSpans;
  }

  shutdown(deadlineMs?: number): Promise<void> {
    return this.pipeline.shutdown(deadlineMs);
  }
}
