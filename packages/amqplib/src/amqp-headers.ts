import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { type HeaderCarrier, headersGetter, headersSetter } from '@spanwise/headers';

/**
 * Longest header value the getter hands to a propagator, in characters (bytes for a Buffer, which is then
 * not decoded: `@spanwise/core`'s `headersGetter` applies the same limit first). W3C `baggage` is the largest
 * propagation header at 8192 bytes; anything longer is hostile or broken and reads as absent.
 */
export const MAX_HEADER_VALUE_LENGTH = 8192;

/**
 * {@link TextMapGetter} for AMQP header tables: keys match case-insensitively (one index per table and
 * extract, not a scan per lookup), Buffer values (AMQP byte arrays) read as UTF-8, arrays yield their first
 * element. Nested tables, values longer than
 * {@link MAX_HEADER_VALUE_LENGTH} and non-object carriers read as absent; it never throws.
 */
export const amqpHeadersGetter: TextMapGetter<HeaderCarrier | null | undefined> = {
  keys(carrier) {
    return headersGetter.keys(carrier);
  },
  get(carrier, key) {
    const value = headersGetter.get(carrier, key);
    if (typeof value === 'string' && value.length > MAX_HEADER_VALUE_LENGTH) return undefined;
    return value;
  },
};

/**
 * {@link TextMapSetter} for AMQP header tables: it replaces a key that differs only in case and defines
 * properties instead of assigning them, so a key such as `__proto__` cannot reach the prototype. A carrier
 * that is not an object is left alone.
 */
export const amqpHeadersSetter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    if (carrier === null || typeof carrier !== 'object') return;
    try {
      headersSetter.set(carrier, key, value);
    } catch {
      // A frozen or exotic carrier: propagation is skipped rather than breaking the publish.
    }
  },
};
