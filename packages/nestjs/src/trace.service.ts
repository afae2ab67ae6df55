import { Injectable } from '@nestjs/common';
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanOptions,
  trace,
} from '@opentelemetry/api';
import { endWithError } from './span-completion.js';
import { settle } from './traced-result.js';
import { tracer } from './tracer.js';

/**
 * The active span and its ids, and child spans on demand. Without an SDK every method is a cheap no-op:
 * ids read as `undefined` and spans are non-recording.
 */
@Injectable()
export class TraceService {
  /** The span of the current context, if any. */
  getActiveSpan(): Span | undefined {
    return trace.getActiveSpan();
  }

  /** The trace id of the current context, or `undefined` outside any trace. */
  getTraceId(): string | undefined {
    const spanContext = trace.getActiveSpan()?.spanContext();
    return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
  }

  /** The span id of the current context, or `undefined` outside any trace. */
  getSpanId(): string | undefined {
    const spanContext = trace.getActiveSpan()?.spanContext();
    return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
  }

  /** Sets attributes on the active span. */
  setAttributes(attributes: Attributes): void {
    trace.getActiveSpan()?.setAttributes(attributes);
  }

  /** Adds an event to the active span. */
  addEvent(name: string, attributes?: Attributes): void {
    trace.getActiveSpan()?.addEvent(name, attributes);
  }

  /** Starts a child of the active span (or of `parent`). The caller ends it. */
  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    return tracer.startSpan(name, options, parent ?? context.active());
  }

  /**
   * Runs `fn` under a new child span and ends the span when the work ends, with the same rules as
   * `@Traced`: promises and thenables when they settle, Observables per subscription, async iterators and
   * streams when they finish. Errors are recorded and rethrown unchanged.
   */
  startActiveSpan<T>(name: string, fn: (span: Span) => T, options: SpanOptions = {}): T {
    const parent = context.active();
    const span = tracer.startSpan(name, options, parent);
    const spanContext = trace.setSpan(parent, span);
    let result: T;
    try {
      result = context.with(spanContext, fn, undefined, span);
    } catch (error) {
      endWithError(span, error);
      throw error;
    }
    return settle(span, spanContext, parent, result, { name, options, onResult: undefined }) as T;
  }
}
