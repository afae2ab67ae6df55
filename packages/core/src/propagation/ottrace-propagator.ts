import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { firstValue, readHexId } from './hex-id.js';
import { extractPrefixedBaggage, injectPrefixedBaggage } from './prefixed-baggage.js';
import { setPropagatedDecision } from './sampling-decision.js';

const TRACE_ID = 'ot-tracer-traceid';
const SPAN_ID = 'ot-tracer-spanid';
const SAMPLED = 'ot-tracer-sampled';
const BAGGAGE_PREFIX = 'ot-baggage-';

/**
 * The OpenTracing "basic tracer" format (`OTEL_PROPAGATORS=ottrace`), as Kong's `ot` header type, Lightstep
 * and the OpenTelemetry OT propagators write it:
 * - `ot-tracer-traceid` (16 or 32 hex characters, either case), `ot-tracer-spanid` (16);
 * - `ot-tracer-sampled`: `1`/`true` sampled, `0`/`false` not (Kong writes `1`/`0`, OpenTracing clients
 *   `true`/`false`); absent or anything else leaves the decision to the local sampler, as Kong does;
 * - baggage as `ot-baggage-{key}`, percent-decoded (Kong escapes the values; a malformed escape is kept).
 *
 * It injects what both Kong and OpenTracing clients read: the low 64 bits of the trace id (16 hex, as the
 * OpenTelemetry OT propagators do; OpenTracing tracers parse a 64-bit integer), `ot-tracer-sampled:
 * true|false`, and baggage as it is when it is plain printable ASCII, percent-encoded otherwise.
 */
export class OtTracePropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext !== undefined && trace.isSpanContextValid(spanContext) && !isTracingSuppressed(ctx)) {
      const low = spanContext.traceId.slice(16);
      // The low half alone may be zero (a 128-bit id with only high bits); the whole id is sent then.
      setter.set(carrier, TRACE_ID, /^0+$/.test(low) ? spanContext.traceId : low);
      setter.set(carrier, SPAN_ID, spanContext.spanId);
      setter.set(carrier, SAMPLED, String((spanContext.traceFlags & TraceFlags.SAMPLED) !== 0));
    }
    injectPrefixedBaggage(ctx, carrier, setter, BAGGAGE_PREFIX, 'whenNeeded');
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = ctx;
    const traceId = readHexId(
      firstValue(getter.get(carrier, TRACE_ID)),
      { min: 16, max: 32, exact: [16, 32] },
      32,
      'any',
    );
    const spanId = readHexId(firstValue(getter.get(carrier, SPAN_ID)), { min: 16, max: 16 }, 16, 'any');
    if (traceId !== undefined && spanId !== undefined) {
      const sampled = firstValue(getter.get(carrier, SAMPLED));
      const decided = sampled === '1' || sampled === 'true' || sampled === '0' || sampled === 'false';
      const traceFlags = sampled === '1' || sampled === 'true' ? TraceFlags.SAMPLED : TraceFlags.NONE;
      const spanContext = { traceId, spanId, traceFlags, isRemote: true };
      result = trace.setSpanContext(result, spanContext);
      if (!decided) result = setPropagatedDecision(result, { kind: 'defer', spanContext });
    }
    return extractPrefixedBaggage(result, carrier, getter, BAGGAGE_PREFIX, 'uri');
  }

  fields(): string[] {
    return [TRACE_ID, SPAN_ID, SAMPLED];
  }
}
