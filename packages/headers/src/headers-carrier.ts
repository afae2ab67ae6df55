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
 * One index per carrier, instead of a case-insensitive scan of every key on each missed lookup (a propagator
 * set asks for a dozen absent headers per extract: 38 ms for a 10 000-key AMQP table before). Keys with an
 * upper-case ASCII letter are bucketed by length and first letter, without allocating a lower-cased copy of
 * each; the others are found directly. An extract is synchronous, so the index (and the key list, which the
 * Jaeger and ottrace baggage scans share) lives until the next microtask. {@link headersSetter} keeps it
 * true; a mixed-case key added to the carrier by other code within the same turn is not seen until then.
 */
interface CarrierIndex {
  carrier: object;
  keys: string[];
  buckets?: Map<number, string[]>;
}
let current: CarrierIndex | undefined;

function forgetIndex(): void {
  current = undefined;
}

function indexFor(carrier: HeaderCarrier): CarrierIndex {
  if (current?.carrier === carrier) return current;
  if (current === undefined) queueMicrotask(forgetIndex);
  current = { carrier, keys: Object.keys(carrier) };
  return current;
}

const UPPER = /[A-Z]/;
const lowerCode = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
const bucketOf = (key: string) => Math.min(key.length, 4096) * 65536 + lowerCode(key.charCodeAt(0));

function sameIgnoringCase(own: string, lower: string): boolean {
  if (own.length !== lower.length) return false;
  for (let i = 0; i < own.length; i++) {
    if (lowerCode(own.charCodeAt(i)) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function findKey(carrier: HeaderCarrier, key: string): string | undefined {
  if (Object.hasOwn(carrier, key)) return key;
  const lower = key.toLowerCase();
  if (lower !== key && Object.hasOwn(carrier, lower)) return lower;
  const index = indexFor(carrier);
  if (index.buckets === undefined) {
    index.buckets = new Map();
    for (const own of index.keys) {
      if (!UPPER.test(own)) continue;
      const bucket = index.buckets.get(bucketOf(own));
      if (bucket === undefined) index.buckets.set(bucketOf(own), [own]);
      else bucket.push(own);
    }
  }
  for (const own of index.buckets.get(bucketOf(lower)) ?? []) {
    // The first listed key wins among keys equal but for case, as the scan this replaces did.
    if (sameIgnoringCase(own, lower) && Object.hasOwn(carrier, own)) return own;
  }
  return undefined;
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
      // A copy: the caller may change it, the index must not change with it.
      return indexFor(carrier).keys.slice();
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
    if (current?.carrier !== carrier) return;
    // Keep the index of this carrier true: a new key is appended, a replaced case variant starts afresh.
    if (own !== undefined) forgetIndex();
    else {
      current.keys.push(key);
      if (current.buckets !== undefined && UPPER.test(key)) {
        const bucket = current.buckets.get(bucketOf(key));
        if (bucket === undefined) current.buckets.set(bucketOf(key), [key]);
        else bucket.push(key);
      }
    }
  },
};
