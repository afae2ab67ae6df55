import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { EncodedMemo } from './encoded-memo.js';
import { writeKeyValues } from './otlp-attributes.js';
import { writeSpan } from './otlp-span-writer.js';
import { LENGTH_DELIMITED } from './protobuf-fields.js';
import { ProtobufWriter, VARINT } from './protobuf-writer.js';

/** An instrumentation scope as spans carry it; attributes and dropped count are optional extras. */
interface Scope {
  readonly name: string;
  readonly version?: string | undefined;
  readonly schemaUrl?: string | undefined;
  readonly attributes?: Attributes | undefined;
  readonly droppedAttributesCount?: number | undefined;
}

/**
 * The encoded fields that surround the spans of one resource or scope: `head` (the `resource` or `scope`
 * field) before them, `tail` (`schema_url`) after.
 */
interface Framing {
  readonly head: Buffer;
  readonly tail: Buffer;
}

/** `ResourceSpans` and `ScopeSpans` of a pass usually exceed 127 bytes: a 2-byte length, moved if not. */
const GROUP_LENGTH_RESERVE = 2;

/**
 * Encodes ended spans as an OTLP `ExportTraceServiceRequest` in one pass, byte for byte what
 * `@opentelemetry/otlp-transformer`'s `ProtobufTraceSerializer` produces: spans grouped by resource, then
 * by scope (object identity, first-seen order). The encoded resource and scope of each object are kept
 * (weakly) and copied, not re-encoded, in later passes.
 */
export class ProtobufTraceEncoder {
  private readonly writer = new ProtobufWriter();
  private readonly memo = new EncodedMemo();
  private readonly resources = new WeakMap<Resource, Framing>();
  private readonly scopes = new WeakMap<Scope, Framing>();

  /** The request for `spans`, in a buffer of its own; empty for no spans. */
  encode(spans: readonly ReadableSpan[]): Buffer {
    const groups = new Map<Resource, Map<Scope, ReadableSpan[]>>();
    for (const span of spans) {
      let byScope = groups.get(span.resource);
      if (!byScope) {
        byScope = new Map();
        groups.set(span.resource, byScope);
      }
      const list = byScope.get(span.instrumentationScope);
      if (list) list.push(span);
      else byScope.set(span.instrumentationScope, [span]);
    }
    const writer = this.writer;
    writer.reset();
    for (const [resource, byScope] of groups) {
      const resourceFraming = this.resourceFraming(resource);
      writer.tag(1, LENGTH_DELIMITED);
      const resourceMark = writer.startLength(GROUP_LENGTH_RESERVE);
      writer.raw(resourceFraming.head);
      for (const [scope, list] of byScope) {
        const scopeFraming = this.scopeFraming(scope);
        writer.tag(2, LENGTH_DELIMITED);
        const scopeMark = writer.startLength(GROUP_LENGTH_RESERVE);
        writer.raw(scopeFraming.head);
        for (const span of list) writeSpan(writer, span, this.memo);
        writer.raw(scopeFraming.tail);
        writer.endLength(scopeMark);
      }
      writer.raw(resourceFraming.tail);
      writer.endLength(resourceMark);
    }
    return writer.finish();
  }

  private resourceFraming(resource: Resource): Framing {
    const known = this.resources.get(resource);
    if (known) return known;
    const writer = this.writer;
    const start = writer.pos;
    writer.tag(1, LENGTH_DELIMITED);
    const mark = writer.startLength(1);
    writeKeyValues(writer, resource.attributes, 1);
    writer.tag(2, VARINT);
    writer.varint32(0);
    writer.endLength(mark);
    const framing = { head: writer.cut(start), tail: this.schemaUrl(resource.schemaUrl, 3) };
    // Attributes still being detected would change: encode such a resource afresh each pass.
    if (!resource.asyncAttributesPending) this.resources.set(resource, framing);
    return framing;
  }

  private scopeFraming(scope: Scope): Framing {
    const known = this.scopes.get(scope);
    if (known) return known;
    const writer = this.writer;
    const start = writer.pos;
    writer.tag(1, LENGTH_DELIMITED);
    const mark = writer.startLength(1);
    writer.tag(1, LENGTH_DELIMITED);
    writer.string(scope.name);
    if (scope.version) {
      writer.tag(2, LENGTH_DELIMITED);
      writer.string(scope.version);
    }
    if (scope.attributes) writeKeyValues(writer, scope.attributes, 3);
    if (scope.droppedAttributesCount) {
      writer.tag(4, VARINT);
      writer.varint(scope.droppedAttributesCount);
    }
    writer.endLength(mark);
    const framing = { head: writer.cut(start), tail: this.schemaUrl(scope.schemaUrl, 3) };
    this.scopes.set(scope, framing);
    return framing;
  }

  /** The `schema_url` field, or nothing when there is none. */
  private schemaUrl(url: string | undefined, field: number): Buffer {
    const writer = this.writer;
    const start = writer.pos;
    if (url) {
      writer.tag(field, LENGTH_DELIMITED);
      writer.string(url);
    }
    return writer.cut(start);
  }
}
