import type { Attributes, TracerProvider } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { createResource } from '../config/resource.js';
import { createSampler } from '../config/sampler.js';
import { SpanNameGuard } from '../diagnostics/span-name-guard.js';
import { LeanTracerProvider } from '../engine/index.js';
import { createExportPipeline } from '../export/index.js';
import { PropagatedDecisionSampler } from '../propagation/propagated-decision-sampler.js';
import { SimpleExportProcessor } from '../simple-export-processor.js';
import type { ExportStats } from '../types.js';
import { GuardedSpanProcessor } from './guarded-span-processor.js';
import { PooledIdGenerator } from './pooled-id-generator.js';

/** What `stats()`, `forceFlush()` and `shutdown()` need from the processor that exports. */
export interface ExportProcessor {
  stats(): ExportStats;
  forceFlush(): Promise<void>;
  shutdown(deadlineMs?: number): Promise<void>;
  /** The process is exiting now: counts what is queued as dropped, reported with `advice`; returns how many. */
  abandon(advice: string): number;
}

/** A span engine's tracer provider: the API's, with the flush and shutdown the runtime calls. */
export interface EngineTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The SDK half of a tracing runtime. */
export interface Sdk {
  provider: EngineTracerProvider;
  exportProcessor: ExportProcessor;
}

/**
 * Builds the tracer provider of the engine the config names (`SPANWISE_ENGINE`), with the span-name guard
 * and the export processor the config names. Both engines get the same resource, sampler, ids, limits and
 * processors. The OpenTelemetry SDK packages (and Node's http, tls and zlib) are required here, not
 * imported at the top: this runs on the first span, not at start-up.
 */
export function buildSdk(config: ResolvedConfig, resourceAttributes: Attributes): Sdk {
  const exportProcessor =
    config.exporter === 'otlp'
      ? createExportPipeline(config.export)
      : new SimpleExportProcessor(config.exporter);
  const options = {
    resource: createResource(resourceAttributes, config.resourceDetectors),
    // B3 and ottrace can carry "no decision" and "deny without ids", which only the sampler can honour.
    sampler: new PropagatedDecisionSampler(createSampler(config.sampler)),
    idGenerator: new PooledIdGenerator(),
    spanLimits: config.spanLimits,
    // The user's processors come after the export pipeline, guarded: whatever they do, every span reaches it.
    spanProcessors: [
      new SpanNameGuard(config.maxSpanNames),
      exportProcessor,
      ...config.spanProcessors.map(
        (processor) => new GuardedSpanProcessor(processor, config.shutdownTimeoutMs),
      ),
    ],
  };
  if (config.engine === 'lean') {
    const parentBasedAlwaysOn = config.sampler.name === 'parentbased_always_on';
    return { provider: new LeanTracerProvider({ ...options, parentBasedAlwaysOn }), exportProcessor };
  }
  const { TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  return { provider: new TracerProvider(options), exportProcessor };
}
