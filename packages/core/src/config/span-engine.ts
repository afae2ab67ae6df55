import type { EnvReader } from './env-reader.js';

/** Which implementation makes the spans behind the OpenTelemetry API. */
export type SpanEngine = 'lean' | 'sdk';

/**
 * `SPANWISE_ENGINE`: `lean` (the default) is Spanwise's own engine; `sdk` keeps the OpenTelemetry SDK's
 * `TracerProvider`. A bad value warns and gives the default.
 */
export function resolveSpanEngine(env: EnvReader): SpanEngine {
  return env.oneOf('SPANWISE_ENGINE', ['lean', 'sdk'] as const, 'lean');
}
