import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { type HeaderCarrier, headersGetter, headersSetter } from '@spanwise/headers';

export { MAX_HEADER_VALUE_LENGTH } from '@spanwise/headers';

/**
 * {@link TextMapGetter} for AMQP header tables: keys match case-insensitively (one index per table and
 * extract, not a scan per lookup), Buffer values (AMQP byte arrays) read as UTF-8, arrays yield their first
 * element. Nested tables, values longer than `MAX_HEADER_VALUE_LENGTH` (8192 characters, or bytes of a
 * Buffer, which is then not decoded) and non-object carriers read as absent; it never throws. It is
 * `@spanwise/headers`' getter, under the name the AMQP helpers document.
 */
export const amqpHeadersGetter: TextMapGetter<HeaderCarrier | null | undefined> = headersGetter;

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
