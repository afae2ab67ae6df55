import { trace } from '@opentelemetry/api';
import { EnvReader } from './config/env-reader.js';
import { resolveConfig } from './config/resolve-config.js';
import { warnPreloaded } from './diagnostics/load-order.js';
import { extraInstrumentationEntries } from './instrumentations/extra-instrumentations.js';
import { supportsSyncImportHooks } from './instrumentations/import-hooks.js';
import { selectInstrumentations } from './instrumentations/select-instrumentations.js';
import { logger } from './logger.js';
import { esmApiProxy } from './sdk/esm-api-proxy.js';
import { installShutdownHandlers } from './shutdown/signal-handlers.js';
import { TracingRuntime } from './tracing-runtime.js';
import type { ExportStats, TracingHandle, TracingOptions } from './types.js';

// Process-wide state lives on a registered symbol so every copy of this package in the process (CJS, ESM,
// two versions in node_modules) shares one tracing pipeline.
const STATE = Symbol.for('spanwise.core.tracing');

interface TracingState {
  handle: TracingHandle;
  optionsKey: string;
  /** Modules the off-thread ESM loader must intercept: empty where the in-thread import hooks run. */
  modules: string[];
}

type GlobalWithState = typeof globalThis & { [STATE]?: TracingState };

const EMPTY_STATS: ExportStats = Object.freeze({
  exportedSpans: 0,
  queuedSpans: 0,
  queuedBytes: 0,
  failedExports: 0,
  retries: 0,
  droppedSpans: Object.freeze({ queueFull: 0, exportFailed: 0, shutdown: 0 }),
  circuit: 'closed' as const,
});

/** The handle of a disabled SDK (`OTEL_SDK_DISABLED=true`): every call is a no-op. */
const DISABLED_HANDLE: TracingHandle = Object.freeze({
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  stats: () => ({ ...EMPTY_STATS, droppedSpans: { ...EMPTY_STATS.droppedSpans } }),
});

function optionsKey(options: TracingOptions): string {
  try {
    return JSON.stringify(options);
  } catch {
    return String(Math.random());
  }
}

/** How tracing was started: by the CommonJS or the ESM register hook, or from app code. */
export type StartMode = 'require' | 'import' | 'api';

/** Starts tracing with internal settings the register hook uses; returns the shared state. */
export function startTracingInternal(options: TracingOptions, mode: StartMode): TracingState {
  const global = globalThis as GlobalWithState;
  const key = optionsKey(options);
  const existing = global[STATE];
  if (existing !== undefined) {
    if (existing.optionsKey !== key && key !== '{}') {
      logger.warn(
        'startTracing() was called again with different options; keeping the tracing that is already running.',
      );
    }
    return existing;
  }
  const env = new EnvReader(process.env);
  if (env.bool('OTEL_SDK_DISABLED', false)) {
    global[STATE] = { handle: DISABLED_HANDLE, optionsKey: key, modules: [] };
    return global[STATE];
  }
  const config = resolveConfig(env, options, mode !== 'api');
  logger.setLevel(config.logLevel);
  // Under --import on a Node whose registerHooks cannot run the loader, register.mjs falls back to the
  // off-thread loader, which needs every instrumentation up front; elsewhere, the import hooks warn.
  const imports = supportsSyncImportHooks() ? 'wrap' : mode === 'import' ? undefined : 'warn';
  // Found before the global provider exists, which the ES module copy of the API would return instead.
  const stranded = mode === 'api' ? esmApiProxy() : undefined;
  const runtime = new TracingRuntime(env, config);
  stranded?.setDelegate(trace.getTracerProvider());
  const selected = [
    ...selectInstrumentations(
      { enabled: config.enabledInstrumentations, disabled: config.disabledInstrumentations },
      imports === undefined,
    ),
    ...extraInstrumentationEntries(options.instrumentations),
  ];
  const patching = selected.filter((entry) => entry.channels !== true);
  warnPreloaded(patching.filter((entry) => !entry.builtin).flatMap((entry) => entry.modules));
  runtime.instrument(selected, imports);
  if (config.handleSignals) installShutdownHandlers(runtime);
  const state: TracingState = {
    handle: runtime,
    optionsKey: key,
    modules: imports === undefined ? patching.flatMap((entry) => entry.modules) : [],
  };
  global[STATE] = state;
  return state;
}

/**
 * Starts tracing: the tracer provider, the export pipeline, propagators, the context manager and the
 * instrumentations of the libraries the app has installed. Configuration comes from the standard `OTEL_*`
 * variables; `options` override them.
 *
 * Idempotent: a second call returns the same handle (and warns when its options differ). Under
 * `OTEL_SDK_DISABLED=true` it returns a handle whose calls do nothing. Prefer the register hook
 * (`node --require @spanwise/core/register`), which starts tracing before the app's modules load; called from
 * app code, libraries imported earlier are not instrumented.
 */
export function startTracing(options: TracingOptions = {}): TracingHandle {
  return startTracingInternal(options, 'api').handle;
}

/** The running tracing handle, or `undefined` when tracing was not started. */
export function getTracing(): TracingHandle | undefined {
  return (globalThis as GlobalWithState)[STATE]?.handle;
}
