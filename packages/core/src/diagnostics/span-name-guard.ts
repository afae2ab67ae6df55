import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { logger } from '../logger.js';

/** Default for `SPANWISE_MAX_SPAN_NAMES`: distinct span names per tracer before the cardinality warning. */
export const DEFAULT_MAX_SPAN_NAMES = 1000;
// Tracers are few in practice; past this many the guard stops tracking new ones to bound its memory.
const MAX_TRACKED_TRACERS = 256;
const EXAMPLES = 5;

/**
 * Warns once per tracer when it produces more distinct span names than the limit: names such as
 * `processOrder-${id}` cripple the indexes of Jaeger and Tempo. Per span it costs one Map and one Set look-up;
 * memory is bounded by the limit.
 */
export class SpanNameGuard implements SpanProcessor {
  private readonly names = new Map<string, Set<string> | null>();

  constructor(private readonly limit: number) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const tracer = span.instrumentationScope.name;
    let seen = this.names.get(tracer);
    if (seen === null) return;
    if (seen === undefined) {
      if (this.names.size >= MAX_TRACKED_TRACERS) return;
      seen = new Set();
      this.names.set(tracer, seen);
    }
    if (seen.has(span.name)) return;
    seen.add(span.name);
    if (seen.size > this.limit) {
      const examples = [...seen].slice(-EXAMPLES).join('", "');
      logger.warn(
        `tracer "${tracer}" has produced more than ${this.limit} distinct span names (e.g. "${examples}"). ` +
          'Span names must be low-cardinality: put ids and other variable parts into attributes. ' +
          'Raise the limit with SPANWISE_MAX_SPAN_NAMES if this is intended.',
      );
      this.names.set(tracer, null);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
