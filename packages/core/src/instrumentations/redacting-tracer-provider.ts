import type { Context, Span, SpanOptions, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import type { UrlRedactor } from './url-redactor.js';

/**
 * The span options with `url.full` and `url.query` redacted, or the same object when there is nothing to
 * redact (the common case allocates nothing).
 */
function redactOptions(redactor: UrlRedactor, options: SpanOptions | undefined): SpanOptions | undefined {
  const attributes = options?.attributes;
  if (attributes === undefined) return options;
  const full = attributes['url.full'];
  const query = attributes['url.query'];
  const safeFull = typeof full === 'string' ? redactor.redactUrl(full) : full;
  // undici records `url.query` with its leading `?`; keep whatever form the instrumentation chose.
  const safeQuery =
    typeof query === 'string'
      ? query.startsWith('?')
        ? `?${redactor.redactQuery(query.slice(1))}`
        : redactor.redactQuery(query)
      : query;
  if (safeFull === full && safeQuery === query) return options;
  return {
    ...options,
    attributes: {
      ...attributes,
      ...(safeFull === full ? {} : { 'url.full': safeFull }),
      ...(safeQuery === query ? {} : { 'url.query': safeQuery }),
    },
  };
}

class RedactingTracer implements Tracer {
  constructor(
    private readonly tracer: Tracer,
    private readonly redactor: UrlRedactor,
  ) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.tracer.startSpan(name, redactOptions(this.redactor, options), ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(...args: [string, ...unknown[]]): ReturnType<F> {
    if (args.length > 2 && typeof args[1] === 'object' && args[1] !== null) {
      args[1] = redactOptions(this.redactor, args[1] as SpanOptions);
    }
    return (this.tracer.startActiveSpan as (...a: unknown[]) => ReturnType<F>).apply(this.tracer, args);
  }
}

/**
 * The tracer provider the OpenTelemetry instrumentations get: it redacts `url.full` and `url.query` in the
 * attributes a span starts with, before the span (and its sampler) sees them. The HTTP client and undici
 * instrumentations set both there, so one place covers `http.request`, `fetch` and undici alike, matching
 * names case-insensitively (the HTTP instrumentation's own `redactedQueryParams` matches them exactly, and
 * undici has no such option). No span processor is involved, so nothing is copied per span.
 */
export class RedactingTracerProvider implements TracerProvider {
  constructor(
    private readonly provider: TracerProvider,
    private readonly redactor: UrlRedactor,
  ) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new RedactingTracer(this.provider.getTracer(name, version, options), this.redactor);
  }
}
