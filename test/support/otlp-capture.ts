import { otlpSchema } from '../../packages/cli/src/receiver/otlp-schema.js';
import type { Receiver } from '../../packages/cli/src/receiver/receiver.js';
import { createReceiver } from '../../packages/cli/src/receiver/server.js';

/**
 * An OTLP export request as protobufjs turns the official schema's message into a plain object: every field
 * with its default when absent (so "sent as 0" and "not sent" read the same, as in proto3), longs as decimal
 * strings, bytes as Buffers, and each `AnyValue` naming its set member in `value`.
 */
export type OtlpRequestObject = {
  resourceSpans: OtlpResourceSpans[];
};

/** `ResourceSpans`, as {@link OtlpRequestObject} has it. */
export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[]; droppedAttributesCount: number };
  scopeSpans: OtlpScopeSpans[];
  schemaUrl: string;
}

/** `ScopeSpans`, as {@link OtlpRequestObject} has it. */
export interface OtlpScopeSpans {
  scope: { name: string; version: string; attributes: OtlpKeyValue[]; droppedAttributesCount: number };
  spans: OtlpSpan[];
  schemaUrl: string;
}

/** `KeyValue`; `value.value` names the member of the `AnyValue` oneof that is set, if any. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue | null;
}

/** `AnyValue`. */
export interface OtlpAnyValue {
  value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: string;
  doubleValue: number;
  arrayValue: { values: OtlpAnyValue[] } | null;
  kvlistValue: { values: OtlpKeyValue[] } | null;
  bytesValue: Uint8Array;
}

/** `Span`. */
export interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: {
    timeUnixNano: string;
    name: string;
    attributes: OtlpKeyValue[];
    droppedAttributesCount: number;
  }[];
  droppedEventsCount: number;
  links: {
    traceId: Uint8Array;
    spanId: Uint8Array;
    traceState: string;
    attributes: OtlpKeyValue[];
    droppedAttributesCount: number;
    flags: number;
  }[];
  droppedLinksCount: number;
  status: { message: string; code: number } | null;
}

/** A receiver that keeps every request it accepts whole, for tests that judge more than the flat spans. */
export interface OtlpCapture {
  receiver: Receiver;
  requests: OtlpRequestObject[];
}

/** Starts the test receiver (official schema, protobuf and JSON) keeping each accepted request as an object. */
export async function startOtlpCapture(): Promise<OtlpCapture> {
  const requests: OtlpRequestObject[] = [];
  const receiver = await createReceiver(
    {},
    {
      retain: false,
      onExport: (decoded) => {
        const object = otlpSchema().request.toObject(decoded.message, {
          longs: String,
          defaults: true,
          oneofs: true,
        });
        requests.push(object as OtlpRequestObject);
      },
    },
  );
  return { receiver, requests };
}
