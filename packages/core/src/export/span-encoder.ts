import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ENTRY_OVERHEAD_BYTES,
  type EncodedEntry,
  type ResourceGroup,
  type SpanGroup,
} from './encoded-entry.js';
import { otlpSerializers } from './otlp-serializers.js';
import { ProtobufTraceEncoder } from './otlp-trace-encoder.js';
import { forEachField } from './protobuf-fields.js';

/** Turns ended spans into queue entries; runs off the request path, a pass at a time. */
export interface SpanEncoder {
  /** One entry holding the whole pass. */
  encode(spans: readonly ReadableSpan[]): EncodedEntry[];
  /** Cuts an entry into one entry per span when the encoding allows it; else returns `[entry]`. */
  split(entry: EncodedEntry): EncodedEntry[];
}

/** Distinct resource/scope pairs remembered; past this each pass gets fresh groups (correct, less compact). */
const MAX_GROUPS = 256;

/** Copies the given `[start, end)` ranges of `buf`, in order, into one new buffer. */
function concatRanges(buf: Buffer, ranges: readonly number[]): Buffer {
  let length = 0;
  for (let i = 0; i < ranges.length; i += 2) length += ranges[i + 1]! - ranges[i]!;
  const out = Buffer.allocUnsafeSlow(length);
  let pos = 0;
  for (let i = 0; i < ranges.length; i += 2) pos += buf.copy(out, pos, ranges[i], ranges[i + 1]);
  return out;
}

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * Encodes with {@link ProtobufTraceEncoder} (the OTel protobuf serializer's bytes, written in one pass); a
 * pass is one entry, an `ExportTraceServiceRequest` of its own, and a request body is such entries back to back (protobuf merges repeated fields of concatenated
 * messages), so the common path never re-reads encoded bytes. To split a batch (a 413, or a pass larger
 * than the room left under the byte cap), a pass is cut into one entry per span; their resource and scope
 * are interned by content, so a request carries each of them once.
 */
export class ProtobufSpanEncoder implements SpanEncoder {
  private readonly resources = new Map<string, { group: ResourceGroup; scopes: Map<string, SpanGroup> }>();
  private groups = 0;
  private readonly encoder = new ProtobufTraceEncoder();

  encode(spans: readonly ReadableSpan[]): EncodedEntry[] {
    const chunk = this.encoder.encode(spans);
    if (chunk.length === 0) return [];
    const cost = chunk.length + ENTRY_OVERHEAD_BYTES;
    return [
      { chunk, start: 0, end: chunk.length, cost, spans: spans.length, group: undefined, next: undefined },
    ];
  }

  split(entry: EncodedEntry): EncodedEntry[] {
    if (entry.group || entry.spans < 2) return [entry];
    const buf = entry.chunk;
    const entries: EncodedEntry[] = [];
    forEachField(buf, entry.start, entry.end, (field, _start, resourceStart, resourceEnd) => {
      if (field !== 1) return;
      const resourceRanges: number[] = [];
      const scopeSpans: number[] = [];
      forEachField(buf, resourceStart, resourceEnd, (f, start, valueStart, end) => {
        if (f === 2) scopeSpans.push(valueStart, end);
        else resourceRanges.push(start, end);
      });
      const resource = this.resource(concatRanges(buf, resourceRanges));
      for (let i = 0; i < scopeSpans.length; i += 2) {
        const [scopeStart, scopeEnd] = [scopeSpans[i]!, scopeSpans[i + 1]!];
        const scopeRanges: number[] = [];
        forEachField(buf, scopeStart, scopeEnd, (f, start, _valueStart, end) => {
          if (f !== 2) scopeRanges.push(start, end);
        });
        const group = this.scope(resource, concatRanges(buf, scopeRanges));
        forEachField(buf, scopeStart, scopeEnd, (f, start, _valueStart, end) => {
          if (f !== 2) return;
          entries.push({
            chunk: buf,
            start,
            end,
            cost: end - start + ENTRY_OVERHEAD_BYTES,
            spans: 1,
            group,
            next: undefined,
          });
        });
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
  /**
   * Loads the serializer now, with the SDK on the event loop's first turn: loading it at the first pass
   * would stall the app for 50-110 ms in the middle of serving traffic.
   */
  constructor() {
    otlpSerializers();
  }

  split(entry: EncodedEntry): EncodedEntry[] {
    return [entry];
  }

  encode(spans: readonly ReadableSpan[]): EncodedEntry[] {
    const buf = otlpSerializers().JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
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
