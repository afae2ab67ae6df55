import { ConsoleLogger } from '@nestjs/common';
import { context, isSpanContextValid, type Span, trace } from '@opentelemetry/api';

/** Marks a prototype already patched, so a second `TracingModule` (or a second copy of this package) skips it. */
const CORRELATED = Symbol.for('spanwise.nestjs.consoleLoggerCorrelation');

/** The two protected `ConsoleLogger` methods that build a record: one per mode (text, JSON). */
interface RecordBuilders {
  formatMessage?: (...args: unknown[]) => unknown;
  getJsonLogObject?: (...args: unknown[]) => unknown;
  [CORRELATED]?: true;
}

/** A span's ids as the records carry them, built once per span: a span's context never changes. */
interface Ids {
  traceId: string;
  spanId: string;
  /** `01` for a sampled span, as the pino and winston instrumentations write `trace_flags`. */
  flags: string;
  /** The text-mode suffix. */
  text: string;
}

/** Per span: its ids, or `null` when its context is not valid (nothing to add). */
const idsOfSpan = new WeakMap<Span, Ids | null>();

function activeIds(): Ids | null {
  const span = trace.getSpan(context.active());
  if (span === undefined) return null;
  let ids = idsOfSpan.get(span);
  if (ids === undefined) {
    const spanContext = span.spanContext();
    const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
    ids = isSpanContextValid(spanContext)
      ? {
          traceId: spanContext.traceId,
          spanId: spanContext.spanId,
          flags,
          text: ` trace_id=${spanContext.traceId} span_id=${spanContext.spanId} trace_flags=${flags}`,
        }
      : null;
    idsOfSpan.set(span, ids);
  }
  return ids;
}

/**
 * Adds `trace_id`, `span_id` and `trace_flags` to the records Nest's `ConsoleLogger` writes inside a span,
 * as the pino and winston instrumentations do: fields of the JSON object in JSON mode (`getJsonLogObject`),
 * `trace_id=… span_id=… trace_flags=…` at the end of the line in text mode (`formatMessage`). Both are the
 * methods Nest 11 and 12 build every record with, so subclasses and the default app logger are covered too.
 * Nest's packages are ES modules under Nest 12, which a `--require` hook cannot patch; this module imports
 * the same `@nestjs/common` as the app, so patching the prototype from here covers every load path.
 * Outside a span nothing is added, and the cost is one context lookup per record; inside one, the ids are
 * read from a per-span cache instead of being checked and formatted again for every record.
 */
export function correlateConsoleLogger(prototype: object = ConsoleLogger.prototype): void {
  const builders = prototype as RecordBuilders;
  if (builders[CORRELATED] === true) return;
  builders[CORRELATED] = true;
  const getJsonLogObject = builders.getJsonLogObject;
  if (typeof getJsonLogObject === 'function') {
    builders.getJsonLogObject = function correlatedJsonLogObject(this: unknown, ...args: unknown[]) {
      const record = getJsonLogObject.apply(this, args);
      const ids = activeIds();
      if (ids !== null && typeof record === 'object' && record !== null) {
        const fields = record as Record<string, unknown>;
        fields.trace_id = ids.traceId;
        fields.span_id = ids.spanId;
        fields.trace_flags = ids.flags;
      }
      return record;
    };
  }
  const formatMessage = builders.formatMessage;
  if (typeof formatMessage === 'function') {
    builders.formatMessage = function correlatedMessage(this: unknown, ...args: unknown[]) {
      const line = formatMessage.apply(this, args);
      const ids = activeIds();
      if (ids === null || typeof line !== 'string') return line;
      return line.endsWith('\n') ? `${line.slice(0, -1)}${ids.text}\n` : `${line}${ids.text}`;
    };
  }
}
