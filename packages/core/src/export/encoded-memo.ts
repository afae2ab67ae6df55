/** Attribute keys whose last pair is remembered; past this, pairs of new keys are encoded each time. */
const MAX_KEYS = 512;
/** Span names remembered; past this, new names are encoded each time. */
const MAX_NAMES = 1024;
/** Only encodings this short are remembered (ids, routes, methods, addresses; not stack traces). */
const MAX_BYTES = 128;
/**
 * A key whose value changed this many times in a row (a client's port, a request id) is not copied again
 * until its remembered value comes back: copying an encoding that is never reused cost more than it saves.
 */
const MAX_MISSES = 8;

interface Pair {
  value: string | number | boolean;
  bytes: Uint8Array;
  /** Misses in a row since the last hit. */
  misses: number;
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
  /** What the last `pair` call found for its key, for the `wantsPair`/`rememberPair` after a miss. */
  private missed: Pair | undefined = undefined;

  /** The remembered length-prefixed `KeyValue` of `key` = `value`, if the last one had this value. */
  pair(key: string, value: string | number | boolean): Uint8Array | undefined {
    const known = this.pairs.get(key);
    if (known !== undefined && known.value === value) {
      known.misses = 0;
      return known.bytes;
    }
    this.missed = known;
    return undefined;
  }

  /** After `pair` missed: whether the pair now encoded is worth a copy for `rememberPair`. */
  wantsPair(): boolean {
    const missed = this.missed;
    return missed === undefined ? this.pairs.size < MAX_KEYS : missed.misses < MAX_MISSES;
  }

  /** After `pair` missed for `key`, and `wantsPair` said yes. */
  rememberPair(key: string, value: string | number | boolean, bytes: Uint8Array): void {
    if (bytes.length > MAX_BYTES) return;
    const missed = this.missed;
    if (missed === undefined) this.pairs.set(key, { value, bytes, misses: 0 });
    else {
      missed.value = value;
      missed.bytes = bytes;
      missed.misses++;
    }
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
