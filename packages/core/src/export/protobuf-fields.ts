/**
 * Just enough protobuf wire format to cut an encoded `ExportTraceServiceRequest` (or a gRPC error's
 * `google.rpc.Status`) into its fields and to write length-delimited frames around bytes that are already
 * encoded. The span encoding itself is in
 * `otlp-trace-encoder.ts`.
 */

/** Wire type of a length-delimited field (strings, bytes, embedded messages). */
export const LENGTH_DELIMITED = 2;

/**
 * Receives one field of an encoded message: its number, where its raw bytes (tag included) start, where its
 * value starts (for length-delimited fields, after the length prefix), and where it ends. Plain numbers, so
 * walking a message allocates nothing per field.
 */
export type FieldVisitor = (field: number, start: number, valueStart: number, end: number) => void;

/** Position after the varint last read by {@link readVarint}; a module cursor instead of a tuple per call. */
let cursor = 0;

function readVarint(buf: Uint8Array, pos: number): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new RangeError('truncated varint');
    // Multiplication instead of << keeps values above 2^31 exact (lengths never exceed 2^53).
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      cursor = pos;
      return value;
    }
    shift += 7;
  }
}

/** The varint at `pos` (a varint field's value starts there). Throws if it is truncated. */
export function varintAt(buf: Uint8Array, pos: number): number {
  return readVarint(buf, pos);
}

/** Calls `visit` for each top-level field of the message in `buf[start, end)`. */
export function forEachField(buf: Uint8Array, start: number, end: number, visit: FieldVisitor): void {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const tag = readVarint(buf, pos);
    const afterTag = cursor;
    const wireType = tag & 7;
    let valueStart = afterTag;
    switch (wireType) {
      case 0:
        readVarint(buf, afterTag);
        pos = cursor;
        break;
      case 1:
        pos = afterTag + 8;
        break;
      case LENGTH_DELIMITED: {
        const length = readVarint(buf, afterTag);
        valueStart = cursor;
        pos = valueStart + length;
        break;
      }
      case 5:
        pos = afterTag + 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
    if (pos > end) throw new RangeError('field overruns its message');
    visit(tag >>> 3, fieldStart, valueStart, pos);
  }
}

/** Bytes a varint takes. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Size of a length-delimited field with a one-byte tag around `length` bytes of value. */
export function frameSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Writes the tag and length prefix of a length-delimited field at `pos`; returns the position after. */
export function writeFrameHeader(out: Uint8Array, pos: number, field: number, length: number): number {
  out[pos++] = (field << 3) | LENGTH_DELIMITED;
  let value = length;
  while (value >= 0x80) {
    out[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}
