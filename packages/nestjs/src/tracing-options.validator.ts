import { TracingOptionsError } from './tracing-options.error.js';
import type { TracingModuleOptions, TracingSettings } from './tracing-options.interface.js';

const KNOWN: ReadonlySet<string> = new Set(['handlerSpans', 'isExpectedError', 'logCorrelation']);

/**
 * Checks the module options once at startup and applies the defaults. A mistake throws a
 * {@link TracingOptionsError} naming the option and the fix, so it surfaces when the app boots.
 */
export function validateTracingOptions(options: unknown): TracingSettings {
  const value = options ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TracingOptionsError(
      `TracingModule options must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) {
      throw new TracingOptionsError(
        `Unknown TracingModule option "${key}"; the options are ${[...KNOWN].join(', ')}`,
      );
    }
  }
  const { handlerSpans, isExpectedError, logCorrelation } = value as TracingModuleOptions;
  for (const [name, flag] of [
    ['handlerSpans', handlerSpans],
    ['logCorrelation', logCorrelation],
  ] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') {
      throw new TracingOptionsError(`TracingModule option "${name}" must be a boolean, got ${typeof flag}`);
    }
  }
  if (isExpectedError !== undefined && typeof isExpectedError !== 'function') {
    throw new TracingOptionsError(
      `TracingModule option "isExpectedError" must be a function (error) => boolean, got ${typeof isExpectedError}`,
    );
  }
  return { handlerSpans: handlerSpans ?? true, isExpectedError, logCorrelation: logCorrelation ?? true };
}
