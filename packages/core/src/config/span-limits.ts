import type { SpanLimits } from '@opentelemetry/sdk-trace';
import type { EnvReader } from './env-reader.js';

/** Every limit set: what both span engines apply. */
export type ResolvedSpanLimits = Required<SpanLimits>;

/** The OpenTelemetry defaults: 128 of everything, values of any length. */
export const DEFAULT_SPAN_LIMITS: ResolvedSpanLimits = {
  attributeCountLimit: 128,
  attributeValueLengthLimit: Number.POSITIVE_INFINITY,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
};

/**
 * The span limits of the OpenTelemetry specification's variables: the span-specific one first, then the
 * general `OTEL_ATTRIBUTE_*` one, then the default. A bad value warns and falls back (a length limit must be
 * at least 1; a count limit may be 0, which drops every attribute, event or link).
 */
export function resolveSpanLimits(env: EnvReader): ResolvedSpanLimits {
  const attributeCountLimit = env.int(
    ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'],
    DEFAULT_SPAN_LIMITS.attributeCountLimit,
    0,
  );
  return {
    attributeCountLimit,
    attributeValueLengthLimit: lengthLimit(env),
    eventCountLimit: env.int('OTEL_SPAN_EVENT_COUNT_LIMIT', DEFAULT_SPAN_LIMITS.eventCountLimit, 0),
    linkCountLimit: env.int('OTEL_SPAN_LINK_COUNT_LIMIT', DEFAULT_SPAN_LIMITS.linkCountLimit, 0),
    attributePerEventCountLimit: env.int(
      'OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT',
      DEFAULT_SPAN_LIMITS.attributePerEventCountLimit,
      0,
    ),
    attributePerLinkCountLimit: env.int(
      'OTEL_LINK_ATTRIBUTE_COUNT_LIMIT',
      DEFAULT_SPAN_LIMITS.attributePerLinkCountLimit,
      0,
    ),
  };
}

/** The value length limit: a whole number of at least 1, else (with a warning) no limit. */
function lengthLimit(env: EnvReader): number {
  const found = env.first('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  if (found === undefined) return DEFAULT_SPAN_LIMITS.attributeValueLengthLimit;
  const parsed = /^\+?\d+$/.test(found.value) ? Number(found.value) : Number.NaN;
  if (Number.isSafeInteger(parsed) && parsed >= 1) return parsed;
  env.invalid(found.name, found.value, 'a whole number of at least 1', 'no limit');
  return DEFAULT_SPAN_LIMITS.attributeValueLengthLimit;
}
