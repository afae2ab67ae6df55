/**
 * A one-pass protobuf writer into a growable buffer: a length-delimited field reserves room for its length
 * prefix, its content is written, then the prefix is filled in (and the content moved in the rare case the
 * guess was wrong). Numbers and strings are written exactly as `@opentelemetry/otlp-transformer` writes them,
 * so the bytes match its serializer's.
 */

/** Wire type of a varint field. */
export const VARINT = 0;
/** Wire type of a fixed 64-bit field. */
export const FIXED64 = 1;
/** Wire type of a fixed 32-bit field. */
export const FIXED32 = 5;

const TWO_32 = 4294967296;
/** The largest buffer a writer keeps between messages (a pass of 256 ordinary spans takes about 100 KiB). */
const KEPT_SIZE = 1024 * 1024;
/** Below this many UTF-16 units a string's UTF-8 length (at most 3 bytes a unit) fits a one-byte varint. */
const SHORT_STRING = 43;

/** Bytes a non-negative varint below 2^32 takes. */
function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * `seconds * 1e9 + nanos` as its low and high 32-bit words. The product exceeds 2^53, so seconds are split at
 * 2^16 and every partial product stays exact.
 */
function splitNanos(seconds: number, nanos: number): [number, number] {
  const upper = Math.floor(seconds / 65536) * 1e9;
  const low = (upper % 65536) * 65536 + (seconds % 65536) * 1e9 + nanos;
  const high = Math.floor(upper / 65536) + Math.floor(low / TWO_32);
  return [low >>> 0, high >>> 0];
}

/** The value of each hex digit by its char code (0-9, a-f, A-F); anything else reads as 0. */
const HEX_VALUES = (() => {
  const values = new Uint8Array(256);
  for (let i = 0; i < 10; i++) values[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    values[97 + i] = 10 + i;
    values[65 + i] = 10 + i;
  }
  return values;
})();

function hexValue(code: number): number {
  return HEX_VALUES[code & 255] as number;
}

/** Writes protobuf fields into a buffer it grows as needed; `reset()` reuses it for the next message. */
export class ProtobufWriter {
  /** Where the next byte goes. */
  pos = 0;
  private buf: Buffer;
  /** The last 32-character id written, and where its bytes start. */
  private lastHex = '';
  private lastHexAt = 0;

  constructor(private readonly initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialSize);
  }

  /** Starts a new message at position 0, keeping the buffer. */
  reset(): void {
    this.pos = 0;
    this.lastHex = '';
  }

  /**
   * A copy of what was written, in a buffer of its own. A buffer grown past {@link KEPT_SIZE} by an unusually
   * large message is let go here, so the writer does not hold that much between messages.
   */
  finish(): Buffer {
    this.lastHex = '';
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    if (this.buf.length > KEPT_SIZE) this.buf = Buffer.allocUnsafeSlow(this.initialSize);
    return out;
  }

  /** A copy of what was written since `start`, which then becomes the write position again. */
  cut(start: number): Buffer {
    this.lastHex = '';
    const out = Buffer.allocUnsafeSlow(this.pos - start);
    this.buf.copy(out, 0, start, this.pos);
    this.pos = start;
    return out;
  }

  /** A copy of what was written since `start`, which stays written. */
  copy(start: number): Uint8Array {
    // Not `Buffer#slice`, which is a view of the buffer the next message overwrites.
    return Uint8Array.prototype.slice.call(this.buf, start, this.pos);
  }

  /** Makes room for `size` more bytes. */
  ensure(size: number): void {
    const needed = this.pos + size;
    if (needed <= this.buf.length) return;
    let length = this.buf.length * 2;
    while (length < needed) length *= 2;
    const grown = Buffer.allocUnsafeSlow(length);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** A field's tag; every tag of the OTLP trace schema fits in one or two bytes. */
  tag(field: number, wireType: number): void {
    this.varint32((field << 3) | wireType);
  }

  /** A varint known to be an integer in `[0, 2^32)`. */
  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** A varint of any integer: negative ones as 64-bit two's complement (10 bytes), as int64 requires. */
  varint(value: number): void {
    if (value >= 0 && value < TWO_32) {
      this.varint32(value);
      return;
    }
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / TWO_32) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    this.ensure(10);
    const buf = this.buf;
    while (high > 0 || low > 127) {
      buf[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 127;
  }

  /** A little-endian 32-bit value. */
  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  /** An OTel `HrTime` (`[seconds, nanoseconds]`) as nanoseconds since the epoch, a little-endian fixed64. */
  hrTime(time: readonly [number, number]): void {
    const seconds = time[0];
    // Spans of a pass end within a few seconds of each other: the exact 64-bit split of `seconds * 1e9` is
    // worked out once per second, and each time adds its nanoseconds to it.
    if (seconds !== this.timeSeconds) this.setTimeBase(seconds);
    let low = this.timeBaseLow + time[1];
    let high = this.timeBaseHigh;
    if (low >= TWO_32) {
      low -= TWO_32;
      high++;
    } else if (!(low >= 0)) {
      // Nanoseconds outside [0, 1e9) in a caller's HrTime, or not numbers: the general way.
      this.hrTimeGeneral(seconds, time[1]);
      return;
    }
    this.uint32Pair(low, high);
  }

  private timeSeconds = Number.NaN;
  private timeBaseLow = 0;
  private timeBaseHigh = 0;

  private setTimeBase(seconds: number): void {
    const [low, high] = splitNanos(seconds, 0);
    this.timeSeconds = seconds;
    this.timeBaseLow = low;
    this.timeBaseHigh = high;
  }

  private hrTimeGeneral(seconds: number, nanos: number): void {
    const [low, high] = splitNanos(seconds, nanos);
    this.uint32Pair(low, high);
  }

  /** Two little-endian 32-bit words, low first: a fixed64 in halves. */
  private uint32Pair(low: number, high: number): void {
    this.ensure(8);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = low;
    buf[pos + 1] = low >>> 8;
    buf[pos + 2] = low >>> 16;
    buf[pos + 3] = low >>> 24;
    buf[pos + 4] = high;
    buf[pos + 5] = high >>> 8;
    buf[pos + 6] = high >>> 16;
    buf[pos + 7] = high >>> 24;
    this.pos = pos + 8;
  }

  /** A little-endian IEEE 754 double. */
  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A string as length-prefixed UTF-8 (lone surrogates become U+FFFD, as with `TextEncoder`). */
  string(value: string): void {
    const length = value.length;
    if (length < SHORT_STRING) {
      this.ensure(1 + length * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) break;
        buf[start + i] = code;
      }
      const written = i === length ? length : buf.write(value, start, 'utf8');
      buf[this.pos] = written;
      this.pos = start + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint32(bytes);
    this.ensure(bytes);
    this.buf.write(value, this.pos, bytes, 'utf8');
    this.pos += bytes;
  }

  /** Bytes, length-prefixed. */
  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Bytes already encoded (fields of a cached message), copied as they are. */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** An id's `length` raw bytes from `bytes[at, at + length)`, length-prefixed (one byte: 8 or 16). */
  idBytes(bytes: Uint8Array, at: number, length: number): void {
    this.ensure(1 + length);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = length;
    // Four bytes a step: ids are 8 or 16 bytes.
    for (let i = 0; i < length; i += 4) {
      buf[pos + 1 + i] = bytes[at + i] as number;
      buf[pos + 2 + i] = bytes[at + i + 1] as number;
      buf[pos + 3 + i] = bytes[at + i + 2] as number;
      buf[pos + 4 + i] = bytes[at + i + 3] as number;
    }
    this.pos = pos + 1 + length;
  }

  /**
   * A hex id (trace or span id) as length-prefixed bytes, decoded straight into the buffer. The spans of a
   * request share their trace id string, and a pass writes them one after the other: an id equal to the last
   * one written is copied from where it was written.
   */
  hexBytes(hex: string): void {
    if (hex === this.lastHex && hex.length === 32) {
      this.ensure(17);
      const buf = this.buf;
      buf[this.pos] = 16;
      buf.copyWithin(this.pos + 1, this.lastHexAt, this.lastHexAt + 16);
      this.pos += 17;
      return;
    }
    if (hex.length === 32) {
      this.lastHex = hex;
      this.lastHexAt = this.pos + 1;
    }
    const length = hex.length >>> 1;
    this.varint32(length);
    this.ensure(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length * 2; i += 2) {
      buf[pos++] = (hexValue(hex.charCodeAt(i)) << 4) | hexValue(hex.charCodeAt(i + 1));
    }
    this.pos = pos;
  }

  /**
   * Starts a length-delimited value, reserving `reserve` bytes for its length; returns the mark to pass to
   * {@link endLength}. Reserving what the length will most likely take avoids moving the content.
   */
  startLength(reserve: number): number {
    this.ensure(reserve);
    const mark = this.pos;
    this.pos += reserve;
    return mark * 8 + reserve;
  }

  /** Writes the length of the value started at `mark`, moving its content if the reserve was wrong. */
  endLength(mark: number): void {
    const reserve = mark & 7;
    const at = (mark - reserve) / 8;
    const contentStart = at + reserve;
    const length = this.pos - contentStart;
    const size = varint32Size(length);
    if (size !== reserve) {
      this.lastHex = '';
      this.ensure(size - reserve);
      this.buf.copyWithin(at + size, contentStart, this.pos);
      this.pos += size - reserve;
    }
    const buf = this.buf;
    let pos = at;
    let v = length;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos] = v;
  }
}
