/** Attribute values decoded from OTLP `AnyValue`s into plain JavaScript values. */
export type Attributes = Record<string, unknown>;

/** A span event as received over OTLP. */
export interface ReceivedEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

/** A span link as received over OTLP. */
export interface ReceivedLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  /** Trace flags, present only when the sender set the field. */
  flags?: number;
}

/**
 * One span decoded from an OTLP export request, flattened together with the resource and the
 * instrumentation scope it was sent under. Ids are lowercase hex; times are Unix nanoseconds.
 */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** `''` for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** The OTLP `SpanKind` number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  /** The OTLP `StatusCode` number (0 unset, 1 ok, 2 error) and the status message. */
  status: { code: number; message: string };
  events: ReceivedEvent[];
  links: ReceivedLink[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** Trace flags, present only when the sender set the field. */
  flags?: number;
  /** The resource's attributes; spans sent under the same resource share this object. */
  resource: Attributes;
  /** The instrumentation scope; spans sent under the same scope share this object. */
  scope: { name: string; version: string };
}

/** One POST the receiver accepted on its traces path, whatever it answered. */
export interface ReceivedRequest {
  contentType: string;
  /** `''` when the body was not compressed. */
  contentEncoding: string;
  headers: Record<string, string | string[] | undefined>;
  /** Size of the body on the wire, before decompression. */
  bodyBytes: number;
  /** Spans the body held; 0 when it could not be decoded. */
  spanCount: number;
  /** The HTTP status answered: 0 while a `delay` runs, and for ever after `hang`, `destroy` or a client abort. */
  status: number;
}
