import {
  type BaggageEntry,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { firstValue, readHexId } from './hex-id.js';
import {
  extractPrefixedBaggage,
  injectPrefixedBaggage,
  MAX_BAGGAGE_ENTRIES,
  MAX_BAGGAGE_VALUE_LENGTH,
  mergeBaggage,
  unescapeBaggageValue,
} from './prefixed-baggage.js';
import { isDebugTrace, setDebugTrace } from './sampling-decision.js';

const TRACE_HEADER = 'uber-trace-id';
const BAGGAGE_PREFIX = 'uberctx-';
const BAGGAGE_HEADER = 'jaeger-baggage';
/** `{32}:{16}:{16}:{2}` with every `:` percent-encoded as `%3A`: anything longer is not a Jaeger context. */
const MAX_TRACE_HEADER_LENGTH = 32 + 16 + 16 + 2 + 3 * 3;
const MAX_BAGGAGE_HEADER_LENGTH = 8192;
const FLAG_SAMPLED = 1;
const FLAG_DEBUG = 2;
const FLAGS = /^[0-9a-fA-F]{1,2}$/;

function parseTraceHeader(raw: string | undefined) {
  if (raw === undefined || raw.length > MAX_TRACE_HEADER_LENGTH) return undefined;
  // jaeger-client (Node, Go) URL-encodes the value in HTTP headers; only `%3A` can occur in a valid one.
  const decoded = raw.includes('%') ? raw.replaceAll(/%3a/gi, ':') : raw;
  const parts = decoded.split(':');
  if (parts.length !== 4) return undefined;
  const [rawTraceId, rawSpanId, , rawFlags = ''] = parts;
  // Jaeger clients parse ids as base-16 integers: any case, leading zeros dropped (jaeger-client Node).
  const traceId = readHexId(rawTraceId, { min: 1, max: 32 }, 32, 'any');
  const spanId = readHexId(rawSpanId, { min: 1, max: 16 }, 16, 'any');
  if (traceId === undefined || spanId === undefined || !FLAGS.test(rawFlags)) return undefined;
  const flags = Number.parseInt(rawFlags, 16);
  return { traceId, spanId, debug: (flags & FLAG_DEBUG) !== 0, sampled: (flags & FLAG_SAMPLED) !== 0 };
}

/**
 * `jaeger-baggage: k1=v1, k2=v2`, for requests made without a tracer (curl). jaeger-client Go
 * query-unescapes the header; a pair without exactly one `=` is skipped, as the clients do.
 */
function parseBaggageHeader(raw: string | undefined): Map<string, BaggageEntry> | undefined {
  if (raw === undefined || raw.length > MAX_BAGGAGE_HEADER_LENGTH) return undefined;
  const entries = new Map<string, BaggageEntry>();
  for (const pair of raw.split(',')) {
    const kv = pair.trim().split('=');
    if (kv.length !== 2 || kv[0] === '') continue;
    const value = unescapeBaggageValue(kv[1] ?? '', 'query');
    if (value.length > MAX_BAGGAGE_VALUE_LENGTH) continue;
    entries.set(unescapeBaggageValue(kv[0] ?? '', 'query'), { value });
    if (entries.size >= MAX_BAGGAGE_ENTRIES) break;
  }
  return entries;
}

/**
 * Jaeger's propagation format, as jaeger-client (Node, Go, Ruby, Python), NGINX's Jaeger module and Kong
 * write it:
 * - `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`: 64- or 128-bit ids in either hex case,
 *   leading zeros optional, `:` possibly URL-encoded; bit 1 of the flags is sampled, bit 2 debug (which
 *   samples too). An all-zero id, a malformed field or an oversized header reads as no context.
 * - baggage from `uberctx-{key}` headers, URL-decoded with `+` as a space (Go's `url.QueryEscape` and Ruby's
 *   `CGI.escape` write it so), and from the `jaeger-baggage: k1=v1, k2=v2` header; `uberctx-*` wins over
 *   `jaeger-baggage` for the same key.
 *
 * It injects `{trace-id}:{span-id}:0:{flags}` with 32/16 lower-hex ids and two-digit flags (byte for byte
 * what OpenTelemetry's Jaeger propagator sends), and baggage as `uberctx-{key}`
 * percent-encoded (decoded alike by the Node, Go, Ruby and Python clients).
 */
export class JaegerPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext !== undefined && trace.isSpanContextValid(spanContext) && !isTracingSuppressed(ctx)) {
      const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
      const debug = sampled && isDebugTrace(ctx, spanContext.traceId);
      const flags = (sampled ? FLAG_SAMPLED : 0) | (debug ? FLAG_DEBUG : 0);
      setter.set(carrier, TRACE_HEADER, `${spanContext.traceId}:${spanContext.spanId}:0:0${flags}`);
    }
    injectPrefixedBaggage(ctx, carrier, setter, BAGGAGE_PREFIX, 'always');
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = ctx;
    const parsed = parseTraceHeader(firstValue(getter.get(carrier, TRACE_HEADER)));
    if (parsed !== undefined) {
      const { traceId, spanId, debug, sampled } = parsed;
      const traceFlags = sampled || debug ? TraceFlags.SAMPLED : TraceFlags.NONE;
      result = trace.setSpanContext(result, { traceId, spanId, traceFlags, isRemote: true });
      if (debug) result = setDebugTrace(result, traceId);
    }
    return this.extractBaggage(result, carrier, getter);
  }

  fields(): string[] {
    return [TRACE_HEADER];
  }

  private extractBaggage(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const fromHeader = parseBaggageHeader(firstValue(getter.get(carrier, BAGGAGE_HEADER)));
    const result = fromHeader !== undefined && fromHeader.size > 0 ? mergeBaggage(ctx, fromHeader) : ctx;
    return extractPrefixedBaggage(result, carrier, getter, BAGGAGE_PREFIX, 'query');
  }
}
