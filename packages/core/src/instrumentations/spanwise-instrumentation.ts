import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';

const VERSION = '0.1.0';

/**
 * The `Instrumentation` contract for Spanwise's own instrumentations, which need no module hooks: a tracer
 * from the provider they are given, and `enable`/`disable` around one `install()` that returns its undo.
 */
export abstract class SpanwiseInstrumentation implements Instrumentation {
  readonly instrumentationVersion = VERSION;
  protected tracer: Tracer;
  private config: InstrumentationConfig = { enabled: false };
  private undo: (() => void) | undefined;

  constructor(readonly instrumentationName: string) {
    this.tracer = trace.getTracer(instrumentationName, VERSION);
  }

  setTracerProvider(provider: TracerProvider): void {
    this.tracer = provider.getTracer(this.instrumentationName, VERSION);
  }

  setMeterProvider(): void {}

  setConfig(config: InstrumentationConfig): void {
    this.config = { ...config, enabled: this.config.enabled === true };
  }

  getConfig(): InstrumentationConfig {
    return this.config;
  }

  enable(): void {
    if (this.config.enabled === true) return;
    this.config = { ...this.config, enabled: true };
    this.undo = this.install();
  }

  disable(): void {
    this.config = { ...this.config, enabled: false };
    this.undo?.();
    this.undo = undefined;
  }

  /** Patches or subscribes; returns what undoes it. */
  protected abstract install(): () => void;
}
