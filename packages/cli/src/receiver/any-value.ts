import type { Attributes } from './received-span.js';

/** The decoded `opentelemetry.proto.common.v1.AnyValue` message: at most one member is set. */
interface AnyValueMessage {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueMessage[] } | null;
  kvlistValue?: { values?: KeyValueMessage[] } | null;
  bytesValue?: Uint8Array;
}

/** The decoded `opentelemetry.proto.common.v1.KeyValue` message. */
export interface KeyValueMessage {
  key: string;
  value?: AnyValueMessage | null;
}

/** A protobufjs 64-bit integer: a `Long` when the `long` package is present, else a number or a string. */
export function int64ToBigInt(value: unknown): bigint {
  if (value === undefined || value === null) return 0n;
  return BigInt(String(value));
}

/** Turns an int64 into a number when it is safe to, else keeps the exact bigint. */
function int64ToJs(value: unknown): number | bigint {
  const big = int64ToBigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** Converts an `AnyValue` to JavaScript: kvlists become objects, bytes become Buffers, unset becomes undefined. */
export function anyValueToJs(any: AnyValueMessage | null | undefined): unknown {
  // The `value` oneof getter names the member that is set, so default values of unset members never leak.
  switch (any?.value) {
    case 'stringValue':
      return any.stringValue;
    case 'boolValue':
      return any.boolValue;
    case 'intValue':
      return int64ToJs(any.intValue);
    case 'doubleValue':
      return any.doubleValue;
    case 'arrayValue':
      return (any.arrayValue?.values ?? []).map(anyValueToJs);
    case 'kvlistValue':
      return attributesToJs(any.kvlistValue?.values);
    case 'bytesValue':
      return Buffer.from(any.bytesValue ?? []);
    default:
      return undefined;
  }
}

/** Converts a list of `KeyValue`s to a record; a later duplicate key wins. */
export function attributesToJs(list: readonly KeyValueMessage[] | null | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = anyValueToJs(kv.value);
  return out;
}
