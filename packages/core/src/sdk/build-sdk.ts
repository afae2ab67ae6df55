import type { Attributes } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { createResource } from '../config/resource.js';
import { createSampler } from '../config/sampler.js';
import { SpanNameGuard } from '../diagnostics/span-name-guard.js';
import { createExportPipeline } from '../export/index.js';
import { PropagatedDecisionSampler } from '../propagation/propagated-decision-sampler.js';
import { SimpleExportProcessor } from '../simple-export-processor.js';
import type { ExportStats } from '../types.js';
import { PooledIdGenerator } from './pooled-id-generator.js';

/** What `stats()`, `forceFlush()` and `shutdown()` need from the processor that exports. */
export interface ExportProcessor {
  stats(): ExportStats;
  forceFlush(): Promise<void>;
  shutdown(deadlineMs?: number): Promise<void>;
  /** The process is exiting now: counts what is queued as dropped, reported with `advice`; returns how many. */
  abandon(advice: string): number;
}

/** The SDK half of a tracing runtime. */
export interface Sdk {
  provider: TracerProvider;
  exportProcessor: ExportProcessor;
}

/**
 * Builds the SDK tracer provider with the span-name guard and the export processor the config names. The
 * OpenTelemetry SDK packages (and Node's http, tls and zlib) are required here, not imported at the top:
 * this runs on the first span, not at start-up.
 */
export function buildSdk(config: ResolvedConfig, resourceAttributes: Attributes): Sdk {
  const { TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const exportProcessor =
    config.exporter === 'otlp'
      ? createExportPipeline(config.export)
      : new SimpleExportProcessor(config.exporter);
  const provider = new TracerProvider({
    resource: createResource(resourceAttributes, config.resourceDetectors),
    // B3 and ottrace can carry "no decision" and "deny without ids", which only the sampler can honour.
    sampler: new PropagatedDecisionSampler(createSampler(config.sampler)),
    idGenerator: new PooledIdGenerator(),
    spanProcessors: [new SpanNameGuard(config.maxSpanNames), exportProcessor],
  });
  return { provider, exportProcessor };
}
