import type { ExportConfig } from '../types.js';
import type { EnvReader } from './env-reader.js';

// The smallest valid value of each numeric `TracingOptions.export` setting, as for its variable.
const MINIMUMS: Partial<Record<keyof ExportConfig, number>> = {
  timeoutMs: 1,
  maxQueueSize: 1,
  maxQueueBytes: 1024,
  maxExportBatchSize: 1,
  scheduledDelayMs: 0,
  maxRequestBytes: 1024,
  maxRetries: 0,
  exportTimeoutMs: 0,
  initialBackoffMs: 1,
  maxBackoffMs: 1,
  circuitThreshold: 1,
  probeIntervalMs: 1,
};

/** A programmatic whole-number option, or `fallback` with a warning when it is not one of at least `min`. */
export function wholeOption(
  env: EnvReader,
  name: string,
  value: unknown,
  min: number,
  fallback: number,
): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  env.invalid(name, String(value), `a whole number of at least ${min}`, String(fallback));
  return fallback;
}

/**
 * `TracingOptions.export` over the configuration from the environment. A bad number gets the same treatment
 * as a bad variable: one warning, and the value the environment (or the default) gives.
 */
export function mergeExportOptions(
  env: EnvReader,
  fromEnv: ExportConfig,
  options: Partial<ExportConfig> | undefined,
): ExportConfig {
  if (options === undefined) return fromEnv;
  const merged: ExportConfig = { ...fromEnv, ...options };
  const writable = merged as unknown as Record<string, unknown>;
  for (const [key, min] of Object.entries(MINIMUMS) as [keyof ExportConfig, number][]) {
    if (options[key] === undefined) continue;
    writable[key] = wholeOption(env, `export.${key}`, options[key], min, fromEnv[key] as number);
  }
  // A batch can never be larger than the queue (the one clamp, as for the variables).
  if (merged.maxExportBatchSize > merged.maxQueueSize) merged.maxExportBatchSize = merged.maxQueueSize;
  return merged;
}
