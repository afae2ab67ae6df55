import type { Attributes } from '@opentelemetry/api';
import { context, DiagConsoleLogger, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { EnvReader } from './config/env-reader.js';
import { createPropagator } from './config/propagators.js';
import type { ResolvedConfig } from './config/resolve-config.js';
import { resolveResourceAttributes } from './config/resource.js';
import { rememberContextStorage } from './context-storage.js';
import type { CatalogEntry } from './instrumentations/catalog.js';
import { enableOnFirstRequire } from './instrumentations/enable-on-first-require.js';
import { createInstrumentations } from './instrumentations/select-instrumentations.js';
import { logger } from './logger.js';
import { buildSdk, type Sdk } from './sdk/build-sdk.js';
import { DeferredTracerProvider } from './sdk/deferred-tracer-provider.js';
import { emptyStats } from './sdk/empty-stats.js';
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

/**
 * A running tracing pipeline: global registrations and instrumentations at once; the SDK (provider, span
 * processors, export) on the first span, or as soon as the event loop first turns after start-up, whichever
 * comes first. So `node --require @spanwise/core/register script.js` costs a script that never traces almost
 * nothing, and a server has its SDK ready before its first request.
 */
export class TracingRuntime implements TracingHandle {
  private readonly contextManager = new AsyncLocalStorageContextManager();
  private readonly disableInstrumentations: (() => void)[] = [];
  private readonly resourceAttributes: Attributes;
  private readonly tracerProvider = new DeferredTracerProvider(() => this.sdk().provider);
  private sdkParts: Sdk | undefined;
  /** What runs on the event loop's first turn after start-up: building the SDK, then late built-ins. */
  private readonly firstTurn: (() => void)[] = [() => this.tracerProvider.ensureLoaded()];
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
    this.resourceAttributes = resolveResourceAttributes(env, config);
    rememberContextStorage(this.contextManager);
    const registered = [
      context.setGlobalContextManager(this.contextManager.enable()),
      propagation.setGlobalPropagator(createPropagator(config.propagators)),
      trace.setGlobalTracerProvider(this.tracerProvider),
    ];
    if (registered.includes(false)) {
      logger.warn(
        'another OpenTelemetry SDK was registered before Spanwise; its globals are kept and Spanwise spans may be ' +
          'missing. Start only one SDK: remove the other one or the Spanwise register hook.',
      );
    }
    // An unref'd immediate runs on the event loop's first turn, and never keeps a finished process alive.
    setImmediate(() => {
      if (this.shutdownPromise === undefined) for (const step of this.firstTurn) step();
    }).unref();
  }

  /** The SDK, built on first use. */
  private sdk(): Sdk {
    this.sdkParts ??= buildSdk(this.config, this.resourceAttributes);
    return this.sdkParts;
  }

  /**
   * Enables the entries' instrumentations; they are disabled again on shutdown. With `onFirstRequire`, an
   * instrumentation is loaded only when the app first requires its module, so libraries the app has but
   * never loads cost nothing. A built-in module (http) is also covered on the event loop's first turn, in
   * case the app reached it without `require` (an ES module import, `process.getBuiltinModule`). Entries
   * with no module to wait for (undici, which listens on diagnostics channels) are enabled at once.
   */
  instrument(entries: readonly CatalogEntry[], onFirstRequire: boolean): void {
    const later = onFirstRequire ? entries.filter((entry) => entry.modules.length > 0) : [];
    this.enable(entries.filter((entry) => !later.includes(entry)));
    if (later.length === 0) return;
    const enabled = new Set<CatalogEntry>();
    const enableOnce = (entry: CatalogEntry): void => {
      if (enabled.has(entry) || this.shutdownPromise !== undefined) return;
      enabled.add(entry);
      this.enable([entry]);
    };
    this.disableInstrumentations.push(enableOnFirstRequire(later, enableOnce));
    const builtins = later.filter((entry) => entry.builtin === true);
    if (builtins.length > 0) this.firstTurn.push(() => builtins.forEach(enableOnce));
  }

  private enable(entries: readonly CatalogEntry[]): void {
    const settings = { http: this.config.http };
    const instrumentations = entries.flatMap((entry) => createInstrumentations(entry, settings));
    if (instrumentations.length === 0) return;
    const tracerProvider = trace.getTracerProvider();
    for (const instrumentation of instrumentations) {
      instrumentation.setTracerProvider(tracerProvider);
      if (instrumentation.getConfig().enabled !== true) instrumentation.enable();
    }
    this.disableInstrumentations.push(() => {
      for (const instrumentation of instrumentations) instrumentation.disable();
    });
  }

  forceFlush(): Promise<void> {
    return this.sdkParts?.provider.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  stats(): ExportStats {
    return this.sdkParts?.exportProcessor.stats() ?? emptyStats();
  }

  hasPending(): boolean {
    return this.stats().queuedSpans > 0;
  }

  private async shutdownOnce(): Promise<void> {
    for (const disable of this.disableInstrumentations.splice(0)) disable();
    // The export pipeline gets the whole deadline; whatever it cannot deliver by then is counted as dropped.
    const sdk = this.sdkParts;
    if (sdk !== undefined) {
      await sdk.exportProcessor.shutdown(this.config.shutdownTimeoutMs);
      await sdk.provider.shutdown();
    }
    trace.disable();
    propagation.disable();
    context.disable();
  }
}
