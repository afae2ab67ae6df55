import type { Context, Span, SpanOptions, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';

/**
 * A tracer that asks for the real one on its first span. Instrumentations take their tracers when they are
 * enabled, at start-up; this lets them do so without loading the SDK.
 */
class DeferredTracer implements Tracer {
  private tracer: Tracer | undefined;

  constructor(private readonly resolve: () => Tracer) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    this.tracer ??= this.resolve();
    return this.tracer.startSpan(name, options, ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(...args: [string, ...unknown[]]): ReturnType<F> {
    this.tracer ??= this.resolve();
    return (this.tracer.startActiveSpan as (...a: unknown[]) => ReturnType<F>).apply(this.tracer, args);
  }
}

/**
 * The global tracer provider Spanwise registers at start-up. The SDK behind it (span processors, export
 * pipeline, resource, about 100 modules) is built by `load` only when the first span starts, or earlier if
 * the runtime asks: a script that never traces never pays for it.
 */
export class DeferredTracerProvider implements TracerProvider {
  private loaded: TracerProvider | undefined;

  constructor(private readonly load: () => TracerProvider) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    // Once the SDK is there, callers that ask for a tracer per call (some do) get the SDK's cached one.
    if (this.loaded !== undefined) return this.loaded.getTracer(name, version, options);
    return new DeferredTracer(() => this.ensureLoaded().getTracer(name, version, options));
  }

  /** The SDK's provider, built now if it was not yet. */
  ensureLoaded(): TracerProvider {
    this.loaded ??= this.load();
    return this.loaded;
  }
}
