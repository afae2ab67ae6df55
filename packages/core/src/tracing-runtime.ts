import { context, DiagConsoleLogger, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { EnvReader } from './config/env-reader.js';
import { createPropagator } from './config/propagators.js';
import type { ResolvedConfig } from './config/resolve-config.js';
import { resolveResource } from './config/resource.js';
import { SpanNameGuard } from './diagnostics/span-name-guard.js';
import { createExportPipeline, type ExportPipeline } from './export/index.js';
import type { CatalogEntry } from './instrumentations/catalog.js';
import { enableOnFirstRequire } from './instrumentations/enable-on-first-require.js';
import { createInstrumentations } from './instrumentations/select-instrumentations.js';
import { logger } from './logger.js';
import { SimpleExportProcessor } from './simple-export-processor.js';
import type { ExportStats, TracingHandle } from './types.js';

const DIAG_LEVELS = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
} as const;

type ExportProcessor = ExportPipeline | SimpleExportProcessor;

/** A running tracing pipeline: provider, processors, global registrations and instrumentations. */
export class TracingRuntime implements TracingHandle {
  private readonly provider: TracerProvider;
  private readonly exportProcessor: ExportProcessor;
  private readonly contextManager = new AsyncLocalStorageContextManager();
  private readonly disableInstrumentations: (() => void)[] = [];
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    env: EnvReader,
    private readonly config: ResolvedConfig,
  ) {
    if (config.otelLogLevel !== undefined) {
      diag.setLogger(new DiagConsoleLogger(), {
        logLevel: DIAG_LEVELS[config.otelLogLevel],
        suppressOverrideMessage: true,
      });
    }
    this.exportProcessor =
      config.exporter === 'otlp'
        ? createExportPipeline(config.export)
        : new SimpleExportProcessor(config.exporter);
    this.provider = new TracerProvider({
      resource: resolveResource(env, config),
      sampler: config.sampler,
      spanProcessors: [new SpanNameGuard(config.maxSpanNames), this.exportProcessor],
    });
    const registered = [
      context.setGlobalContextManager(this.contextManager.enable()),
      propagation.setGlobalPropagator(createPropagator(config.propagators)),
      trace.setGlobalTracerProvider(this.provider),
    ];
    if (registered.includes(false)) {
      logger.warn(
        'another OpenTelemetry SDK was registered before Spanwise; its globals are kept and Spanwise spans may be ' +
          'missing. Start only one SDK: remove the other one or the Spanwise register hook.',
      );
    }
  }

  /**
   * Enables the entries' instrumentations against this provider; they are disabled again on shutdown. With
   * `onFirstRequire`, a library's instrumentation is loaded only when the app first requires that library
   * (built-ins, always present, are enabled at once).
   */
  instrument(entries: readonly CatalogEntry[], onFirstRequire: boolean): void {
    const later = onFirstRequire ? entries.filter((entry) => !entry.builtin) : [];
    this.enable(entries.filter((entry) => !later.includes(entry)));
    if (later.length > 0) {
      this.disableInstrumentations.push(enableOnFirstRequire(later, (entry) => this.enable([entry])));
    }
  }

  private enable(entries: readonly CatalogEntry[]): void {
    const instrumentations = entries.flatMap((entry) => createInstrumentations(entry));
    if (instrumentations.length === 0) return;
    this.disableInstrumentations.push(
      registerInstrumentations({ instrumentations, tracerProvider: this.provider }),
    );
  }

  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  stats(): ExportStats {
    return this.exportProcessor.stats();
  }

  hasPending(): boolean {
    return this.exportProcessor.stats().queuedSpans > 0;
  }

  private async shutdownOnce(): Promise<void> {
    for (const disable of this.disableInstrumentations.splice(0)) disable();
    // The export pipeline gets the whole deadline; whatever it cannot deliver by then is counted as dropped.
    await this.exportProcessor.shutdown(this.config.shutdownTimeoutMs);
    await this.provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }
}
