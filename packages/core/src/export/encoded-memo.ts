/** Attribute keys whose last pair is remembered; past this, pairs of new keys are encoded each time. */
const MAX_KEYS = 512;
/** Span names remembered; past this, new names are encoded each time. */
const MAX_NAMES = 1024;
/** Only encodings this short are remembered (ids, routes, methods, addresses; not stack traces). */
const MAX_BYTES = 128;

interface Pair {
  readonly value: string | number | boolean;
  readonly bytes: Uint8Array;
}

/**
 * Encoded bytes of what repeats from span to span, by content: the last value of each attribute key (with
 * its `KeyValue` message) and span names. A service's spans carry the same keys, mostly with the same
 * values, and the same few names, and the encoder's per-character work on them (the protobuf writer reads
 * each string a character at a time) was the largest part of encoding a request's spans
 * (`bench/engine/request-instructions.mjs`). Bounded: at most 512 keys and 1024 names, each at most 128
 * bytes, about 200 KiB in all.
 */
export class EncodedMemo {
  private readonly pairs = new Map<string, Pair>();
  private readonly names = new Map<string, Uint8Array>();

  /** The remembered length-prefixed `KeyValue` of `key` = `value`, if the last one had this value. */
  pair(key: string, value: string | number | boolean): Uint8Array | undefined {
    const known = this.pairs.get(key);
    return known !== undefined && known.value === value ? known.bytes : undefined;
  }

  rememberPair(key: string, value: string | number | boolean, bytes: Uint8Array): void {
    if (bytes.length > MAX_BYTES || (this.pairs.size >= MAX_KEYS && !this.pairs.has(key))) return;
    this.pairs.set(key, { value, bytes });
  }

  /** The remembered length-prefixed UTF-8 of a span name. */
  name(name: string): Uint8Array | undefined {
    return this.names.get(name);
  }

  rememberName(name: string, bytes: Uint8Array): void {
    if (bytes.length > MAX_BYTES || this.names.size >= MAX_NAMES) return;
    this.names.set(name, bytes);
  }
}
