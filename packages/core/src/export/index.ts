import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportConfig, ExportStats } from '../types.js';
import { OtlpExportPipeline } from './export-pipeline.js';

/** The export pipeline as the rest of core sees it: a span processor with counters and a bounded shutdown. */
export interface ExportPipeline extends SpanProcessor {
  /** A snapshot of the counters; ended sampled spans = exported + dropped (every reason) + queued. */
  stats(): ExportStats;
  /** Exports everything queued (resolves early, leaving spans queued, when the collector is unreachable). */
  forceFlush(): Promise<void>;
  /** Flushes within `deadlineMs` (default 5000), then counts the rest as `dropped.shutdown`. Idempotent. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** The process is exiting now: counts what is queued as `dropped.shutdown`, reported with `advice`. */
  abandon(advice: string): number;
}

/** Creates Spanwise's span processor + OTLP/HTTP exporter for `config`. */
export function createExportPipeline(config: ExportConfig): ExportPipeline {
  return new OtlpExportPipeline(config);
}

export { DEFAULT_SHUTDOWN_DEADLINE_MS, EXPORT_DEFAULTS } from './export-limits.js';
