import type { Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import type { IdGenerator, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResolvedSpanLimits } from '../config/span-limits.js';
import type { SpanShared } from './lean-span.js';
import { LeanTracer } from './lean-tracer.js';

export interface LeanTracerProviderOptions {
  resource: SpanShared['resource'];
  sampler: Sampler;
  idGenerator: IdGenerator;
  spanLimits: ResolvedSpanLimits;
  /** Called in this order for every recorded span; each must be a complete `SpanProcessor`. */
  spanProcessors: readonly SpanProcessor[];
  /** `sampler` is the default `parentbased_always_on` (see `LeanTracer`): decide without asking it. */
  parentBasedAlwaysOn?: boolean;
}

/**
 * The lean engine's `TracerProvider`: one tracer per name, version and schema URL (the SDK's key), each
 * with its own instrumentation scope object, so the encoder groups their spans as the SDK's would be.
 * `forceFlush` and `shutdown` reach every processor.
 */
export class LeanTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, LeanTracer>();
  private readonly processors: readonly SpanProcessor[];
  private readonly endingProcessors: readonly SpanProcessor[];

  constructor(private readonly options: LeanTracerProviderOptions) {
    this.processors = [...options.spanProcessors];
    this.endingProcessors = this.processors.filter((processor) => typeof processor.onEnding === 'function');
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version || ''}:${options?.schemaUrl || ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new LeanTracer(
        {
          resource: this.options.resource,
          // The SDK's shape, undefined members included.
          instrumentationScope: {
            name,
            version,
            schemaUrl: options?.schemaUrl,
          } as SpanShared['instrumentationScope'],
          limits: this.options.spanLimits,
          processors: this.processors,
          endingProcessors: this.endingProcessors,
        },
        this.options.sampler,
        this.options.idGenerator,
        this.options.parentBasedAlwaysOn === true,
      );
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.shutdown()));
  }
}
