import type protobuf from 'protobufjs';
import { attributesToJs, int64ToBigInt, type KeyValueMessage } from './any-value.js';
import { otlpSchema } from './otlp-schema.js';
import type { ReceivedSpan } from './received-span.js';

/** The two OTLP/HTTP encodings. */
export type OtlpFormat = 'protobuf' | 'json';

/** A decoded export request: the protobufjs message and its spans, flattened. */
export interface DecodedRequest {
  message: protobuf.Message;
  spans: ReceivedSpan[];
}

/** Thrown when a body is not a valid OTLP export request; the receiver answers 400. */
export class InvalidOtlpBodyError extends Error {
  override readonly name = 'InvalidOtlpBodyError';
}

interface LinkMessage {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValueMessage[];
  flags?: number;
}

interface SpanMessage extends Omit<LinkMessage, 'attributes'> {
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: unknown;
  endTimeUnixNano: unknown;
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
  events: { name: string; timeUnixNano: unknown; attributes: KeyValueMessage[] }[];
  droppedEventsCount: number;
  links: LinkMessage[];
  droppedLinksCount: number;
  status?: { code: number; message: string } | null;
}

interface ScopeSpansMessage {
  scope?: { name: string; version: string } | null;
  instrumentationLibrary?: { name: string; version: string } | null;
  spans: SpanMessage[];
}

interface RequestMessage {
  resourceSpans: {
    resource?: { attributes: KeyValueMessage[] } | null;
    scopeSpans: ScopeSpansMessage[];
    instrumentationLibrarySpans: ScopeSpansMessage[];
  }[];
}

/** Decodes an uncompressed OTLP/HTTP trace export body. */
export function decodeRequest(body: Buffer, format: OtlpFormat): DecodedRequest {
  const { request } = otlpSchema();
  let message: protobuf.Message;
  try {
    message = format === 'protobuf' ? request.decode(body) : request.fromObject(jsonToProtoObject(body));
  } catch (error) {
    throw new InvalidOtlpBodyError(`not an OTLP ${format} ExportTraceServiceRequest: ${describe(error)}`);
  }
  return { message, spans: flattenSpans(message as unknown as RequestMessage) };
}

/** A partial success to report: spans the collector refused, and why. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage?: string | undefined;
}

/** An `ExportTraceServiceResponse` (empty unless `partial`), in the encoding of the request. */
export function encodeResponse(format: OtlpFormat, partial?: PartialSuccess): Buffer {
  if (format === 'json' && partial === undefined) return Buffer.from('{}');
  const { response } = otlpSchema();
  const message = response.fromObject(partial === undefined ? {} : { partialSuccess: partial });
  if (format === 'json') return Buffer.from(JSON.stringify(response.toObject(message, { longs: String })));
  return Buffer.from(response.encode(message).finish());
}

function flattenSpans(request: RequestMessage): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource = attributesToJs(resourceSpans.resource?.attributes);
    // Senders older than OTLP 0.19 put spans under the deprecated instrumentation_library_spans.
    for (const scopeSpans of [...resourceSpans.scopeSpans, ...resourceSpans.instrumentationLibrarySpans]) {
      const source = scopeSpans.scope ?? scopeSpans.instrumentationLibrary;
      const scope = { name: source?.name ?? '', version: source?.version ?? '' };
      for (const span of scopeSpans.spans) spans.push(toReceivedSpan(span, resource, scope));
    }
  }
  return spans;
}

function toReceivedSpan(
  span: SpanMessage,
  resource: ReceivedSpan['resource'],
  scope: ReceivedSpan['scope'],
): ReceivedSpan {
  const received: ReceivedSpan = {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    traceState: span.traceState,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: int64ToBigInt(span.startTimeUnixNano),
    endTimeUnixNano: int64ToBigInt(span.endTimeUnixNano),
    attributes: attributesToJs(span.attributes),
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: int64ToBigInt(event.timeUnixNano),
      attributes: attributesToJs(event.attributes),
    })),
    links: span.links.map((link) => {
      const received: ReceivedSpan['links'][number] = {
        traceId: hex(link.traceId),
        spanId: hex(link.spanId),
        traceState: link.traceState,
        attributes: attributesToJs(link.attributes),
      };
      if (Object.hasOwn(link, 'flags')) received.flags = link.flags ?? 0;
      return received;
    }),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    resource,
    scope,
  };
  if (Object.hasOwn(span, 'flags')) received.flags = span.flags ?? 0;
  return received;
}

function hex(bytes: Uint8Array | null | undefined): string {
  return bytes === null || bytes === undefined ? '' : Buffer.from(bytes).toString('hex');
}

const ID_FIELDS = ['traceId', 'spanId', 'parentSpanId'] as const;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * OTLP/JSON is the protobuf JSON mapping except that trace and span ids are hex, not base64. This
 * turns the ids into bytes so protobufjs' `fromObject` can build the message from the rest.
 */
function jsonToProtoObject(body: Buffer): Record<string, unknown> {
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isRecord(parsed)) throw new TypeError('the body is not a JSON object');
  for (const resourceSpans of arrayOf(parsed.resourceSpans)) {
    for (const key of ['scopeSpans', 'instrumentationLibrarySpans']) {
      for (const scopeSpans of arrayOf(isRecord(resourceSpans) ? resourceSpans[key] : undefined)) {
        for (const span of arrayOf(isRecord(scopeSpans) ? scopeSpans.spans : undefined)) {
          if (!isRecord(span)) continue;
          hexIdsToBytes(span);
          for (const link of arrayOf(span.links)) if (isRecord(link)) hexIdsToBytes(link);
        }
      }
    }
  }
  return parsed;
}

function hexIdsToBytes(object: Record<string, unknown>): void {
  for (const field of ID_FIELDS) {
    const value = object[field];
    if (typeof value !== 'string') continue;
    if (!HEX.test(value)) throw new TypeError(`${field} ${JSON.stringify(value)} is not hex`);
    object[field] = Buffer.from(value, 'hex');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
