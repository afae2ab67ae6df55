import type { Attributes } from '@opentelemetry/api';
import type { EncodedMemo } from './encoded-memo.js';
import { LENGTH_DELIMITED } from './protobuf-fields.js';
import { FIXED64, type ProtobufWriter, VARINT } from './protobuf-writer.js';

/** Integers in this range are written as `int_value`; other numbers as `double_value`. */
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/**
 * One `AnyValue` message's fields for an attribute value: string, bool, int64, double, bytes, array
 * (`ArrayValue`) or plain object (`KeyValueList`); anything else (null, undefined) leaves it empty.
 */
function writeAnyValue(writer: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      writer.tag(1, LENGTH_DELIMITED);
      writer.string(value);
      return;
    case 'boolean':
      writer.tag(2, VARINT);
      writer.varint32(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        writer.tag(3, VARINT);
        writer.varint(value);
      } else {
        writer.tag(4, FIXED64);
        writer.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        writer.tag(7, LENGTH_DELIMITED);
        writer.bytes(value);
      } else if (Array.isArray(value)) {
        writer.tag(5, LENGTH_DELIMITED);
        const array = writer.startLength(1);
        for (const item of value) {
          writer.tag(1, LENGTH_DELIMITED);
          const itemMark = writer.startLength(1);
          writeAnyValue(writer, item);
          writer.endLength(itemMark);
        }
        writer.endLength(array);
      } else {
        writer.tag(6, LENGTH_DELIMITED);
        const list = writer.startLength(1);
        writeKeyValues(writer, value as Record<string, unknown>, 1);
        writer.endLength(list);
      }
      return;
    default:
      return;
  }
}

/**
 * Each own enumerable property of `attributes` as a repeated `KeyValue` field numbered `field`, in
 * property order. With `memo`, a string, number or boolean pair seen last time with the same value is
 * copied from there instead of being encoded again.
 */
export function writeKeyValues(
  writer: ProtobufWriter,
  attributes: Attributes | Record<string, unknown>,
  field: number,
  memo?: EncodedMemo,
): void {
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key as keyof typeof attributes];
    writer.tag(field, LENGTH_DELIMITED);
    const type = typeof value;
    if (memo !== undefined && (type === 'string' || type === 'number' || type === 'boolean')) {
      const primitive = value as string | number | boolean;
      const known = memo.pair(key, primitive);
      if (known !== undefined) {
        writer.raw(known);
        continue;
      }
      const start = writer.pos;
      writePair(writer, key, value);
      if (memo.wantsPair()) memo.rememberPair(key, primitive, writer.copy(start));
      continue;
    }
    writePair(writer, key, value);
  }
}

/** One `KeyValue` message, length-prefixed (its field's tag already written). */
function writePair(writer: ProtobufWriter, key: string, value: unknown): void {
  const pair = writer.startLength(1);
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(key);
  writer.tag(2, LENGTH_DELIMITED);
  const mark = writer.startLength(1);
  writeAnyValue(writer, value);
  writer.endLength(mark);
  writer.endLength(pair);
}
