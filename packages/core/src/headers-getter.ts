import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** A message-headers object as transports deliver it: values may be strings, Buffers, arrays or anything else. */
export type HeaderCarrier = Record<string, unknown>;

/**
 * Longest header value {@link headersGetter} hands to a propagator: characters of a string, bytes of a
 * Buffer. W3C `baggage` is the largest propagation header at 8192 bytes; anything longer is hostile or
 * broken, reads as absent, and is never decoded.
 */
export const MAX_HEADER_VALUE_LENGTH = 8192;

function toText(value: unknown, nested = false): string | undefined {
  if (typeof value === 'string') return value.length > MAX_HEADER_VALUE_LENGTH ? undefined : value;
  if (value instanceof Uint8Array) {
    if (value.byteLength > MAX_HEADER_VALUE_LENGTH) return undefined;
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  // One level only: a table of nested arrays must not cost a deep recursion.
  if (Array.isArray(value)) return nested || value.length === 0 ? undefined : toText(value[0], true);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

/**
 * One lower-case index per carrier, instead of a case-insensitive scan of every key on each missed lookup (a
 * propagator set asks for a dozen absent headers per extract: 38 ms for a 10 000-key AMQP table before). An
 * extract is synchronous, so the index lives until the next microtask; {@link headersSetter} keeps it up to
 * date.
 */
let indexed: object | undefined;
let index: Map<string, string> | undefined;

function forgetIndex(): void {
  indexed = undefined;
  index = undefined;
}

function indexOf(carrier: HeaderCarrier): Map<string, string> {
  if (indexed === carrier && index !== undefined) return index;
  const built = new Map<string, string>();
  for (const own of Object.keys(carrier)) {
    const lower = own.toLowerCase();
    // The first key wins for duplicates by case, as the scan it replaces did.
    if (!built.has(lower)) built.set(lower, own);
  }
  if (indexed === undefined) queueMicrotask(forgetIndex);
  indexed = carrier;
  index = built;
  return built;
}

function findKey(carrier: HeaderCarrier, key: string): string | undefined {
  if (Object.hasOwn(carrier, key)) return key;
  const own = indexOf(carrier).get(key.toLowerCase());
  // A key deleted since the index was built reads as absent.
  return own !== undefined && Object.hasOwn(carrier, own) ? own : undefined;
}

/**
 * A {@link TextMapGetter} for message headers from any transport (AMQP tables, Kafka headers, Nest
 * microservice contexts): keys match case-insensitively, Buffer and Uint8Array values are read as UTF-8,
 * arrays yield their first element, and any other value is ignored. Values longer than
 * {@link MAX_HEADER_VALUE_LENGTH} read as absent. It never throws: a carrier that is not an object reads as
 * empty.
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
    // `own` (same lower case) is gone and `key` is there now.
    if (indexed === carrier) index?.set(key.toLowerCase(), key);
  },
};
