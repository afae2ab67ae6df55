import type { Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { SpanIdBytes } from '../engine/id-bytes.js';
import type { EncodedMemo } from './encoded-memo.js';
import { writeKeyValues } from './otlp-attributes.js';
import { LENGTH_DELIMITED } from './protobuf-fields.js';
import { FIXED32, FIXED64, type ProtobufWriter, VARINT } from './protobuf-writer.js';

/** `SpanFlags`: the span's remote-ness is known (always, from the SDK). */
const CONTEXT_HAS_IS_REMOTE = 0x100;
/** `SpanFlags`: the context (the parent's, for a span) came from another process. */
const CONTEXT_IS_REMOTE = 0x200;

/** The `flags` of a span or link: W3C trace flags in the low byte, then the remote bits. */
function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | CONTEXT_HAS_IS_REMOTE | (isRemote ? CONTEXT_IS_REMOTE : 0);
}

/** A span's name as length-prefixed UTF-8, copied when `memo` has it. */
function writeName(writer: ProtobufWriter, name: string, memo: EncodedMemo | undefined): void {
  const known = memo?.name(name);
  if (known !== undefined) {
    writer.raw(known);
    return;
  }
  const start = writer.pos;
  writer.string(name);
  memo?.rememberName(name, writer.copy(start));
}

/** Most spans take 128 bytes to 16 KiB, a two-byte length. */
const SPAN_LENGTH_RESERVE = 2;

function writeEvent(writer: ProtobufWriter, event: TimedEvent): void {
  writer.tag(11, LENGTH_DELIMITED);
  const mark = writer.startLength(1);
  writer.tag(1, FIXED64);
  writer.hrTime(event.time);
  writer.tag(2, LENGTH_DELIMITED);
  writer.string(event.name);
  if (event.attributes) writeKeyValues(writer, event.attributes, 3);
  writer.tag(4, VARINT);
  writer.varint(event.droppedAttributesCount || 0);
  writer.endLength(mark);
}

/** Fields 1 to 3 of both `Span` and `Span.Link`: trace id, span id and (when not empty) trace state. */
function writeIdentity(writer: ProtobufWriter, context: SpanContext): void {
  writer.tag(1, LENGTH_DELIMITED);
  writer.hexBytes(context.traceId);
  writer.tag(2, LENGTH_DELIMITED);
  writer.hexBytes(context.spanId);
  writeTraceState(writer, context);
}

/** Field 3 of `Span` and `Span.Link`, when the trace state is not empty. */
function writeTraceState(writer: ProtobufWriter, context: SpanContext): void {
  const traceState = context.traceState?.serialize();
  if (traceState) {
    writer.tag(3, LENGTH_DELIMITED);
    writer.string(traceState);
  }
}

function writeLink(writer: ProtobufWriter, link: Link): void {
  const context: SpanContext = link.context;
  writer.tag(13, LENGTH_DELIMITED);
  const mark = writer.startLength(1);
  writeIdentity(writer, context);
  if (link.attributes) writeKeyValues(writer, link.attributes, 4);
  writer.tag(5, VARINT);
  writer.varint(link.droppedAttributesCount || 0);
  writer.tag(6, FIXED32);
  writer.fixed32(spanFlags(context.traceFlags, context.isRemote));
  writer.endLength(mark);
}

/**
 * One span as a `ScopeSpans.spans` field (tag 2): the `Span` message with fields 1 to 16, in field order,
 * omitting exactly what the OTel serializer omits (empty trace state, no parent, unspecified kind, empty
 * status message).
 */
export function writeSpan(writer: ProtobufWriter, span: ReadableSpan, memo?: EncodedMemo): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  writer.tag(2, LENGTH_DELIMITED);
  const mark = writer.startLength(SPAN_LENGTH_RESERVE);
  const ids = span as Partial<SpanIdBytes>;
  if (ids.spanIdBytes === undefined) writeIdentity(writer, context);
  else {
    // A lean span's ids, from the bytes they were made of.
    writer.tag(1, LENGTH_DELIMITED);
    if (ids.traceIdBytes === undefined) writer.hexBytes(context.traceId);
    else writer.idBytes(ids.traceIdBytes, ids.traceIdAt as number, 16);
    writer.tag(2, LENGTH_DELIMITED);
    writer.idBytes(ids.spanIdBytes, ids.spanIdAt as number, 8);
    writeTraceState(writer, context);
  }
  if (parent?.spanId) {
    writer.tag(4, LENGTH_DELIMITED);
    if (ids.parentIdBytes === undefined) writer.hexBytes(parent.spanId);
    else writer.idBytes(ids.parentIdBytes, ids.parentIdAt as number, 8);
  }
  writer.tag(5, LENGTH_DELIMITED);
  writeName(writer, span.name, memo);
  // OTLP's SpanKind has UNSPECIFIED at 0, so the API's kinds shift by one.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    writer.tag(6, VARINT);
    writer.varint(kind);
  }
  writer.tag(7, FIXED64);
  writer.hrTime(span.startTime);
  writer.tag(8, FIXED64);
  writer.hrTime(span.endTime);
  writeKeyValues(writer, span.attributes, 9, memo);
  writer.tag(10, VARINT);
  writer.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(writer, event);
  writer.tag(12, VARINT);
  writer.varint(span.droppedEventsCount);
  for (const link of span.links) writeLink(writer, link);
  writer.tag(14, VARINT);
  writer.varint(span.droppedLinksCount);
  writer.tag(15, LENGTH_DELIMITED);
  const status = writer.startLength(1);
  if (span.status.message) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(span.status.message);
  }
  writer.tag(3, VARINT);
  writer.varint(span.status.code);
  writer.endLength(status);
  writer.tag(16, FIXED32);
  writer.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
  writer.endLength(mark);
}
