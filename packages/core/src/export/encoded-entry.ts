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
 * What the queue charges an entry beyond its encoded bytes: the entry object itself, measured on V8. The
 * byte cap then bounds the memory the queue holds, not only what it would send.
 */
export const ENTRY_OVERHEAD_BYTES = 80;

/**
 * Spans already encoded for the wire, as held by the export queue: `chunk[start, end)`, where `chunk` is
 * the output of one encoding pass, shared by the entries cut from it (no copy, no view object per span).
 *
 * - http/protobuf, a whole pass (`group` undefined): a complete `ExportTraceServiceRequest`.
 * - http/protobuf, one span cut from a pass (`group` set): its `ScopeSpans.spans` field (tag and length
 *   included), so a batch can be split down to a single span.
 * - http/json: the spans of one encoding pass, the range being the members of `resourceSpans`.
 */
export interface EncodedEntry {
  readonly chunk: Buffer;
  readonly start: number;
  readonly end: number;
  /** `end - start + ENTRY_OVERHEAD_BYTES`: what the entry counts against the byte cap. */
  readonly cost: number;
  readonly spans: number;
  /** Set for a single protobuf span cut from its pass. */
  readonly group: SpanGroup | undefined;
  /** Link to the next entry while queued. */
  next: EncodedEntry | undefined;
}

/** The entries re-pointed at one new buffer holding only their bytes, so their pass's buffer can be freed. */
export function compactEntries(entries: readonly EncodedEntry[]): EncodedEntry[] {
  let length = 0;
  for (const entry of entries) length += entry.end - entry.start;
  const chunk = Buffer.allocUnsafeSlow(length);
  let pos = 0;
  return entries.map((entry) => {
    const start = pos;
    pos += entry.chunk.copy(chunk, pos, entry.start, entry.end);
    return { ...entry, chunk, start, end: pos, next: undefined };
  });
}
