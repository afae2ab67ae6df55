import {
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { firstValue, readHexId } from './hex-id.js';
import { isDebugTrace, setDebugTrace, setPropagatedDecision } from './sampling-decision.js';

const SINGLE = 'b3';
const TRACE_ID = 'x-b3-traceid';
const SPAN_ID = 'x-b3-spanid';
const PARENT_SPAN_ID = 'x-b3-parentspanid';
const SAMPLED = 'x-b3-sampled';
const FLAGS = 'x-b3-flags';
/** `{32}-{16}-{1}-{16}`: the longest valid single header. */
const MAX_SINGLE_LENGTH = 32 + 1 + 16 + 1 + 1 + 1 + 16;

/** A sampling state: `1`/`0`, `d` for debug, or undefined when the peer left the decision to us. */
type SamplingState = 'accept' | 'deny' | 'debug' | undefined;

interface B3Context {
  traceId?: string;
  spanId?: string;
  state: SamplingState;
}

// B3 ids are lower-hex only (openzipkin/b3-propagation, Brave's parser): upper case is refused, not fixed.
const traceIdOf = (raw: string | undefined) =>
  readHexId(raw, { min: 16, max: 32, exact: [16, 32] }, 32, 'lower');
const spanIdOf = (raw: string | undefined) => readHexId(raw, { min: 16, max: 16 }, 16, 'lower');

function parseSingle(raw: string | undefined): B3Context | undefined {
  if (raw === undefined || raw.length > MAX_SINGLE_LENGTH) return undefined;
  if (raw === '0') return { state: 'deny' };
  if (raw === '1') return { state: 'accept' };
  if (raw === 'd') return { state: 'debug' };
  const parts = raw.split('-');
  if (parts.length < 2 || parts.length > 4) return undefined;
  const [rawTraceId, rawSpanId, rawState, rawParent] = parts;
  const traceId = traceIdOf(rawTraceId);
  const spanId = spanIdOf(rawSpanId);
  if (traceId === undefined || spanId === undefined) return undefined;
  if (rawParent !== undefined && spanIdOf(rawParent) === undefined) return undefined;
  if (rawState === undefined) return { traceId, spanId, state: undefined };
  const state = rawState === '1' ? 'accept' : rawState === '0' ? 'deny' : rawState === 'd' ? 'debug' : null;
  return state === null ? undefined : { traceId, spanId, state };
}

function parseMulti<C>(carrier: C, getter: TextMapGetter<C>): B3Context | undefined {
  const sampled = firstValue(getter.get(carrier, SAMPLED));
  const flags = firstValue(getter.get(carrier, FLAGS));
  // Before the spec, some tracers sent true/false; the spec asks readers to accept them.
  let state: SamplingState;
  if (flags === '1') state = 'debug';
  else if (sampled === '1' || sampled === 'true') state = 'accept';
  else if (sampled === '0' || sampled === 'false') state = 'deny';
  const rawTraceId = firstValue(getter.get(carrier, TRACE_ID));
  const rawSpanId = firstValue(getter.get(carrier, SPAN_ID));
  if (rawTraceId === undefined && rawSpanId === undefined) {
    return state === undefined ? undefined : { state };
  }
  const traceId = traceIdOf(rawTraceId);
  const spanId = spanIdOf(rawSpanId);
  if (traceId === undefined || spanId === undefined) return undefined;
  const parent = firstValue(getter.get(carrier, PARENT_SPAN_ID));
  if (parent !== undefined && spanIdOf(parent) === undefined) return undefined;
  return { traceId, spanId, state };
}

/** How B3 is written on outgoing calls. */
export type B3Encoding = 'single' | 'multi';

/**
 * Zipkin's B3 format (openzipkin/b3-propagation), both encodings: extraction reads the `b3` single header
 * first and then `X-B3-*`, whichever encoding is injected.
 * - Ids are 16 or 32 lower-hex characters (a 64-bit trace id is left-padded); anything else, or an all-zero
 *   id, reads as no context.
 * - No sampling decision (`X-B3-*` without `X-B3-Sampled`, `b3: {t}-{s}`): the trace continues and the local
 *   sampler decides, as for a new trace.
 * - `b3: 0` / `X-B3-Sampled: 0` without ids: nothing is sampled. `b3: 1`, `b3: d` or `X-B3-Flags: 1`
 *   without ids: the new trace is sampled.
 * - Debug (`-d`, `X-B3-Flags: 1`): sampled, and the outgoing calls of that trace carry debug again (`-d`,
 *   or `X-B3-Flags: 1` without `X-B3-Sampled`, as the spec asks).
 */
export class B3Propagator implements TextMapPropagator {
  constructor(private readonly encoding: B3Encoding) {}

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext === undefined || !trace.isSpanContextValid(spanContext) || isTracingSuppressed(ctx))
      return;
    const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
    const debug = sampled && isDebugTrace(ctx, spanContext.traceId);
    if (this.encoding === 'single') {
      const state = debug ? 'd' : sampled ? '1' : '0';
      setter.set(carrier, SINGLE, `${spanContext.traceId}-${spanContext.spanId}-${state}`);
      return;
    }
    setter.set(carrier, TRACE_ID, spanContext.traceId);
    setter.set(carrier, SPAN_ID, spanContext.spanId);
    if (debug) setter.set(carrier, FLAGS, '1');
    else setter.set(carrier, SAMPLED, sampled ? '1' : '0');
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const b3 = parseSingle(firstValue(getter.get(carrier, SINGLE))) ?? parseMulti(carrier, getter);
    if (b3 === undefined) return ctx;
    const { traceId, spanId, state } = b3;
    if (traceId === undefined || spanId === undefined) {
      return setPropagatedDecision(ctx, { kind: state === 'deny' ? 'deny' : 'accept' });
    }
    const sampled = state === 'accept' || state === 'debug';
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    };
    let result = trace.setSpanContext(ctx, spanContext);
    if (state === undefined) result = setPropagatedDecision(result, { kind: 'defer', spanContext });
    if (state === 'debug') result = setDebugTrace(result, traceId);
    return result;
  }

  fields(): string[] {
    return this.encoding === 'single' ? [SINGLE] : [TRACE_ID, SPAN_ID, SAMPLED, FLAGS];
  }
}
