import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** A message-headers object as transports deliver it: values may be strings, Buffers, arrays or anything else. */
export type HeaderCarrier = Record<string, unknown>;

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (Array.isArray(value)) return value.length > 0 ? toText(value[0]) : undefined;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function findKey(carrier: HeaderCarrier, key: string): string | undefined {
  if (Object.hasOwn(carrier, key)) return key;
  const wanted = key.toLowerCase();
  for (const own of Object.keys(carrier)) {
    if (own.toLowerCase() === wanted) return own;
  }
  return undefined;
}

/**
 * A {@link TextMapGetter} for message headers from any transport (AMQP tables, Kafka headers, Nest
 * microservice contexts): keys match case-insensitively, Buffer and Uint8Array values are read as UTF-8,
 * arrays yield their first element, and any other value is ignored. It never throws: a carrier that is not
 * an object reads as empty.
 */
export const headersGetter: TextMapGetter<HeaderCarrier | null | undefined> = {
  keys(carrier) {
    if (carrier === null || typeof carrier !== 'object') return [];
    try {
      return Object.keys(carrier);
    } catch {
      return [];
    }
  },
  get(carrier, key) {
    if (carrier === null || typeof carrier !== 'object') return undefined;
    try {
      const own = findKey(carrier, key);
      return own === undefined ? undefined : toText(carrier[own]);
    } catch {
      return undefined;
    }
  },
};

/**
 * A {@link TextMapSetter} for message headers: it replaces an existing key that differs only in case, so a
 * carrier never ends up with both `traceparent` and `Traceparent`.
 */
export const headersSetter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    const own = findKey(carrier, key);
    if (own !== undefined && own !== key) delete carrier[own];
    Object.defineProperty(carrier, key, { value, enumerable: true, writable: true, configurable: true });
  },
};
