import type { Context } from '@opentelemetry/api';
import type { ConsoleSpanExporter, ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { emptyStats } from './sdk/empty-stats.js';
import type { ExportStats } from './types.js';

/**
 * The processor for `OTEL_TRACES_EXPORTER=console` and `none`: prints each span (or nothing) as it ends and
 * counts it as exported, so `stats()` keeps its invariant with these exporters too.
 */
export class SimpleExportProcessor implements SpanProcessor {
  private exported = 0;
  private readonly console: ConsoleSpanExporter | undefined;

  constructor(kind: 'console' | 'none') {
    const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
    this.console = kind === 'console' ? new sdk.ConsoleSpanExporter() : undefined;
  }

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    this.exported++;
    this.console?.export([span], () => {});
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing is ever queued: each span is exported as it ends. */
  abandon(): number {
    return 0;
  }

  stats(): ExportStats {
    return { ...emptyStats(), exportedSpans: this.exported };
  }
}
