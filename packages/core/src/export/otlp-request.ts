import type { EncodedEntry, ResourceGroup, SpanGroup } from './encoded-entry.js';
import { frameSize, writeFrameHeader } from './protobuf-fields.js';
import { JSON_PREFIX, JSON_SUFFIX } from './span-encoder.js';

interface ScopeBlock {
  group: SpanGroup;
  entries: EncodedEntry[];
  size: number;
}

interface ResourceBlock {
  resource: ResourceGroup;
  scopes: ScopeBlock[];
  size: number;
}

/** A request body in parts, written one after the other: whole passes go out without being copied. */
export type RequestBody = Uint8Array[];

/**
 * One `ExportTraceServiceRequest` from protobuf entries: whole passes go as they are (concatenated messages
 * merge), single spans are framed under their resource and scope, each written once.
 */
export function buildProtobufRequest(entries: readonly EncodedEntry[]): RequestBody {
  const parts: Uint8Array[] = [];
  const resources = new Map<ResourceGroup, ResourceBlock>();
  const scopes = new Map<SpanGroup, ScopeBlock>();
  let total = 0;
  for (const entry of entries) {
    const group = entry.group;
    if (!group) {
      parts.push(entry.chunk.subarray(entry.start, entry.end));
      continue;
    }
    let scope = scopes.get(group);
    if (!scope) {
      scope = { group, entries: [], size: group.scopeRaw.length };
      scopes.set(group, scope);
      let resource = resources.get(group.resource);
      if (!resource) {
        resource = { resource: group.resource, scopes: [], size: group.resource.raw.length };
        resources.set(group.resource, resource);
      }
      resource.scopes.push(scope);
    }
    scope.entries.push(entry);
    scope.size += entry.end - entry.start;
  }
  if (resources.size === 0) return parts;
  for (const resource of resources.values()) {
    for (const scope of resource.scopes) resource.size += frameSize(scope.size);
    total += frameSize(resource.size);
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const resource of resources.values()) {
    pos = writeFrameHeader(out, pos, 1, resource.size);
    out.set(resource.resource.raw, pos);
    pos += resource.resource.raw.length;
    for (const scope of resource.scopes) {
      pos = writeFrameHeader(out, pos, 2, scope.size);
      out.set(scope.group.scopeRaw, pos);
      pos += scope.group.scopeRaw.length;
      for (const entry of scope.entries) {
        pos += entry.chunk.copy(out, pos, entry.start, entry.end);
      }
    }
  }
  parts.push(out);
  return parts;
}

const COMMA = Buffer.from(',');

/** Joins JSON entries into one `{"resourceSpans":[...]}` request. */
export function buildJsonRequest(entries: readonly EncodedEntry[]): RequestBody {
  const parts: Uint8Array[] = [Buffer.from(JSON_PREFIX)];
  entries.forEach((entry, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(entry.chunk.subarray(entry.start, entry.end));
  });
  parts.push(Buffer.from(JSON_SUFFIX));
  return parts;
}
