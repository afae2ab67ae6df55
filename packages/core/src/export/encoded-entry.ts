/** The encoded resource of a group of spans: every field of `ResourceSpans` except its `scope_spans`. */
export interface ResourceGroup {
  readonly raw: Uint8Array;
}

/** The resource and scope a protobuf-encoded span belongs to. */
export interface SpanGroup {
  readonly resource: ResourceGroup;
  /** Every field of `ScopeSpans` except its `spans`. */
  readonly scopeRaw: Uint8Array;
}

/**
 * Spans already encoded for the wire, as held by the export queue.
 *
 * - http/protobuf: one span, `bytes` being its `ScopeSpans.spans` field (tag and length included), so a
 *   batch can be split down to a single span.
 * - http/json: the spans of one encoding pass, `bytes` being the members of `resourceSpans` without the
 *   surrounding brackets.
 */
export interface EncodedEntry {
  readonly bytes: Uint8Array;
  readonly spans: number;
  /** Set for protobuf entries. */
  readonly group: SpanGroup | undefined;
  /** Link to the next entry while queued. */
  next: EncodedEntry | undefined;
}
