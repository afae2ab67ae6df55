import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ENTRY_OVERHEAD_BYTES,
  type EncodedEntry,
  type ResourceGroup,
  type SpanGroup,
} from './encoded-entry.js';
import { forEachField, type RawField } from './protobuf-fields.js';

/** Turns ended spans into queue entries; runs off the request path, a pass at a time. */
export interface SpanEncoder {
  encode(spans: readonly ReadableSpan[]): EncodedEntry[];
}

/** Distinct resource/scope pairs remembered; past this each pass gets fresh groups (correct, less compact). */
const MAX_GROUPS = 256;

function concatFields(buf: Uint8Array, fields: readonly RawField[]): Uint8Array {
  let length = 0;
  for (const f of fields) length += f.end - f.start;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const f of fields) {
    out.set(buf.subarray(f.start, f.end), pos);
    pos += f.end - f.start;
  }
  return out;
}

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * Encodes with the OTel protobuf serializer, then cuts the request into one entry per span. Resource and
 * scope are interned by content, so a request carries each of them once however many passes its spans
 * came from.
 */
export class ProtobufSpanEncoder implements SpanEncoder {
  private readonly resources = new Map<string, { group: ResourceGroup; scopes: Map<string, SpanGroup> }>();
  private groups = 0;

  encode(spans: readonly ReadableSpan[]): EncodedEntry[] {
    const encoded = ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]);
    const entries: EncodedEntry[] = [];
    if (!encoded) return entries;
    const buf = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length);
    forEachField(buf, 0, buf.length, (resourceSpans) => {
      if (resourceSpans.field !== 1) return;
      const resourceFields: RawField[] = [];
      const scopeSpansFields: RawField[] = [];
      forEachField(buf, resourceSpans.valueStart, resourceSpans.end, (f) => {
        (f.field === 2 ? scopeSpansFields : resourceFields).push(f);
      });
      const resource = this.resource(concatFields(buf, resourceFields));
      for (const scopeSpans of scopeSpansFields) {
        const scopeFields: RawField[] = [];
        const spanFields: RawField[] = [];
        forEachField(buf, scopeSpans.valueStart, scopeSpans.end, (f) => {
          (f.field === 2 ? spanFields : scopeFields).push(f);
        });
        const group = this.scope(resource, concatFields(buf, scopeFields));
        for (const span of spanFields) {
          const { start, end } = span;
          entries.push({
            chunk: buf,
            start,
            end,
            cost: end - start + ENTRY_OVERHEAD_BYTES,
            spans: 1,
            group,
            next: undefined,
          });
        }
      }
    });
    return entries;
  }

  private resource(raw: Uint8Array): { group: ResourceGroup; scopes: Map<string, SpanGroup> } {
    const key = keyOf(raw);
    let known = this.resources.get(key);
    if (!known) {
      known = { group: { raw }, scopes: new Map() };
      if (this.groups < MAX_GROUPS) this.resources.set(key, known);
    }
    return known;
  }

  private scope(
    resource: { group: ResourceGroup; scopes: Map<string, SpanGroup> },
    raw: Uint8Array,
  ): SpanGroup {
    const key = keyOf(raw);
    let group = resource.scopes.get(key);
    if (!group) {
      group = { resource: resource.group, scopeRaw: raw };
      if (this.groups < MAX_GROUPS) {
        resource.scopes.set(key, group);
        this.groups++;
      }
    }
    return group;
  }
}

/** What a JSON export request starts with, before its `resourceSpans` members. */
export const JSON_PREFIX = '{"resourceSpans":[';
/** What a JSON export request ends with. */
export const JSON_SUFFIX = ']}';
const JSON_PREFIX_BYTES = Buffer.from(JSON_PREFIX);

/** Encodes with the OTel JSON serializer; one entry per pass (JSON is for debugging, not for volume). */
export class JsonSpanEncoder implements SpanEncoder {
  encode(spans: readonly ReadableSpan[]): EncodedEntry[] {
    const buf = JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
    if (!buf || spans.length === 0) return [];
    const text = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    if (!text.subarray(0, JSON_PREFIX.length).equals(JSON_PREFIX_BYTES)) {
      throw new Error('unexpected JSON export request shape');
    }
    const start = JSON_PREFIX.length;
    const end = buf.length - JSON_SUFFIX.length;
    const cost = end - start + ENTRY_OVERHEAD_BYTES;
    return [{ chunk: text, start, end, cost, spans: spans.length, group: undefined, next: undefined }];
  }
}
