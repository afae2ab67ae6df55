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
import { type ImportHooksPlan, installImportHooks } from './instrumentations/import-hooks.js';
import { loadedByExcluded } from './instrumentations/loaded-by.js';
import { RedactingTracerProvider } from './instrumentations/redacting-tracer-provider.js';
import { createInstrumentations } from './instrumentations/select-instrumentations.js';
import { UrlRedactor } from './instrumentations/url-redactor.js';
import { logger } from './logger.js';
import { buildSdk, type Sdk } from './sdk/build-sdk.js';
import { DeferredTracerProvider } from './sdk/deferred-tracer-provider.js';
import { emptyStats } from './sdk/empty-stats.js';
import { serverDrain } from './shutdown/server-drain.js';
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
  /** The final flush is over and the instrumentations are off. */
  private stopped = false;
  private readonly redactor: UrlRedactor;

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
    this.redactor = new UrlRedactor(config.redactedQueryParams);
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
   * Enables the entries' instrumentations; they are disabled again on shutdown. With `imports` (the import
   * hooks run in-thread, or at least can warn), an instrumentation is loaded only when the app first requires
   * or imports its module, so libraries the app has but never loads cost nothing. A built-in module (http) is
   * also covered on the event loop's first turn, in case the app reached it another way
   * (`process.getBuiltinModule`). Without `imports` (the off-thread loader of an older Node, which needs its
   * instrumentations up front) and for entries with no module to wait for (undici, which listens on
   * diagnostics channels), instrumentations are enabled at once.
   */
  instrument(entries: readonly CatalogEntry[], imports: ImportHooksPlan['loader'] | undefined): void {
    const later = imports === undefined ? [] : entries.filter((entry) => entry.modules.length > 0);
    this.enable(entries.filter((entry) => !later.includes(entry)));
    if (imports === undefined || later.length === 0) return;
    const enabled = new Set<CatalogEntry>();
    const left = new Set<CatalogEntry>();
    // Returns whether the entry is on; one left off by the first module to load its library stays off.
    const enableOnce = (entry: CatalogEntry, importer?: string): boolean => {
      if (left.has(entry)) return false;
      if (enabled.has(entry) || this.stopped) return true;
      if (loadedByExcluded(entry, importer)) {
        left.add(entry);
        return false;
      }
      enabled.add(entry);
      this.enable([entry]);
      return true;
    };
    this.disableInstrumentations.push(
      enableOnFirstRequire(later, enableOnce),
      installImportHooks({ entries: later, enable: enableOnce, loader: imports }),
    );
    const builtins = later.filter((entry) => entry.builtin === true);
    if (builtins.length > 0) {
      this.firstTurn.push(() => {
        for (const entry of builtins) enableOnce(entry);
      });
    }
  }

  private enable(entries: readonly CatalogEntry[]): void {
    const settings = { redactor: this.redactor, http: this.config.http };
    const instrumentations = entries.flatMap((entry) => createInstrumentations(entry, settings));
    if (instrumentations.length === 0) return;
    const tracerProvider = new RedactingTracerProvider(trace.getTracerProvider(), this.redactor);
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
    this.shutdownPromise ??= this.shutdownOnce(Date.now() + this.config.shutdownTimeoutMs);
    return this.shutdownPromise;
  }

  /**
   * The shutdown for a signal the app does not handle: the HTTP servers stop taking new requests, those in
   * flight are waited for during at most half the deadline, then comes the final flush. One deadline
   * (`SPANWISE_SHUTDOWN_TIMEOUT_MS`), counted from the call, bounds all of it. Shares {@link shutdown}'s
   * promise: whichever is called first does the work.
   */
  shutdownAfterRequests(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    const now = Date.now();
    const deadlineAt = now + this.config.shutdownTimeoutMs;
    this.shutdownPromise = serverDrain
      .drain(now + this.config.shutdownTimeoutMs / 2)
      .then(() => this.shutdownOnce(deadlineAt));
    return this.shutdownPromise;
  }

  stats(): ExportStats {
    return this.sdkParts?.exportProcessor.stats() ?? emptyStats();
  }

  /**
   * The process is exiting now, synchronously (`process.exit()`, a crash): nothing can be sent any more, so
   * whatever is still queued is counted as dropped (shutdown), in one warning that says how to avoid it.
   */
  abandon(exitCode: number): void {
    this.sdkParts?.exportProcessor.abandon(
      `The process exited (code ${exitCode}) before they were flushed, through process.exit() or a crash: ` +
        'call await getTracing()?.shutdown() before process.exit(), or set process.exitCode and let the ' +
        'process end',
    );
  }

  private async shutdownOnce(deadlineAt: number): Promise<void> {
    // One event-loop turn first. A signal the app re-raised just before its event loop drained (Nest's
    // enableShutdownHooks does) is dispatched in it, to the handler that ends the process with it once this
    // is over. And the app's own `beforeExit` listeners run, maybe making the first span.
    await new Promise((resolve) => setImmediate(resolve));
    // Every instrumentation stays on through the final flush, so the spans of requests still being answered
    // and of the app's own shutdown are exported; the pipeline takes spans until it ends.
    const sdk = this.sdkParts;
    if (sdk !== undefined) {
      await sdk.exportProcessor.shutdown(Math.max(0, deadlineAt - Date.now()));
      await sdk.provider.shutdown();
    }
    this.stopped = true;
    for (const disable of this.disableInstrumentations.splice(0)) disable();
    trace.disable();
    propagation.disable();
    context.disable();
  }
}
