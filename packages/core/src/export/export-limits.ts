import type { ExportConfig } from '../types.js';

/** Defaults of the optional {@link ExportConfig} fields. */
export const EXPORT_DEFAULTS = {
  maxRequestBytes: 4 * 1024 * 1024,
  maxRetries: 5,
  exportTimeoutMs: 30_000,
  initialBackoffMs: 1000,
  maxBackoffMs: 5000,
  circuitThreshold: 5,
  probeIntervalMs: 5000,
} as const;

/** Deadline of `shutdown()` when the caller gives none (the `SPANWISE_SHUTDOWN_TIMEOUT_MS` default). */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 5000;

/** The config with every optional limit resolved. */
export type ExportLimits = ExportConfig & { -readonly [K in keyof typeof EXPORT_DEFAULTS]: number };

/** Applies the defaults to the optional fields that are absent or explicitly `undefined`. */
export function resolveLimits(config: ExportConfig): ExportLimits {
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (value !== undefined) given[key] = value;
  return { ...EXPORT_DEFAULTS, ...(given as unknown as ExportConfig) };
}
