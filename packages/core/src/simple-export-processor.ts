import type { Context } from '@opentelemetry/api';
import {
  ConsoleSpanExporter,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { ExportStats } from './types.js';

/**
 * The processor for `OTEL_TRACES_EXPORTER=console` and `none`: prints each span (or nothing) as it ends and
 * counts it as exported, so `stats()` keeps its invariant with these exporters too.
 */
export class SimpleExportProcessor implements SpanProcessor {
  private exported = 0;
  private readonly console: ConsoleSpanExporter | undefined;

  constructor(kind: 'console' | 'none') {
    this.console = kind === 'console' ? new ConsoleSpanExporter() : undefined;
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

  stats(): ExportStats {
    return {
      exportedSpans: this.exported,
      queuedSpans: 0,
      queuedBytes: 0,
      failedExports: 0,
      retries: 0,
      droppedSpans: { queueFull: 0, exportFailed: 0, shutdown: 0 },
      circuit: 'closed',
    };
  }
}
