import type { Span as ApiSpan, Context, Link, SpanContext, SpanOptions, Tracer } from '@opentelemetry/api';
import {
  context as contextApi,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { cleanAttributes, isTracingSuppressed } from '@opentelemetry/core';
import type { IdGenerator, Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { getPropagatedDecision } from '../propagation/sampling-decision.js';
import { type IdBytesSource, idBytesSource } from './id-bytes.js';
import { cleanLink, LeanSpan, type SpanShared } from './lean-span.js';
import { cleanStartAttributes } from './span-attributes.js';
import { UnsampledSpan } from './unsampled-span.js';

const NO_OPTIONS: SpanOptions = Object.freeze({});
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const NOT_SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });
/** The span of suppressed tracing: immutable, so one serves every call. */
const SUPPRESSED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Whether the span was made by this engine, whose ids are valid by construction. */
function ownsIds(span: ApiSpan | undefined): boolean {
  return span instanceof LeanSpan || span instanceof UnsampledSpan;
}

/**
 * A tracer of the lean engine. `startSpan` makes the SDK's decisions in the SDK's order (suppression, the
 * parent, ids, the sampler, then limits), but skips work whose result is already known: a parent made by
 * this engine has valid ids by construction, a span with no start attributes or links needs no cleaning,
 * and start attributes are limited in a second pass only when a limit can bite.
 */
export class LeanTracer implements Tracer {
  /**
   * @param parentBasedAlwaysOn the sampler is the default `parentbased_always_on` (behind the wrapper that
   *   honours B3 and ottrace decisions): without such a decision in the context, its answer follows from the
   *   parent already at hand (sampled, or no valid parent: record; else not), so it is not asked. Its own
   *   check of the parent runs the API's id regular expressions once more per span.
   */
  /** Where the generator leaves the bytes of each id, so spans can carry them to the encoder. */
  private readonly idBytes: IdBytesSource | undefined;

  constructor(
    private readonly shared: SpanShared,
    private readonly sampler: Sampler,
    private readonly ids: IdGenerator,
    private readonly parentBasedAlwaysOn = false,
  ) {
    this.idBytes = idBytesSource(ids);
  }

  startSpan(name: string, options: SpanOptions = NO_OPTIONS, ctx: Context = contextApi.active()): ApiSpan {
    if (options.root) ctx = trace.deleteSpan(ctx);
    const parentSpan = trace.getSpan(ctx);
    if (isTracingSuppressed(ctx)) return SUPPRESSED;
    const parent = parentSpan?.spanContext();
    const idBytes = this.idBytes;
    const spanId = this.ids.generateSpanId();
    const spanIdBytes = idBytes?.lastBytes;
    const spanIdAt = idBytes === undefined ? 0 : idBytes.lastAt;
    let traceId: string;
    let traceState: SpanContext['traceState'];
    let validParent: SpanContext | undefined;
    let traceIdBytes: Uint8Array | undefined;
    let traceIdAt = 0;
    let parentIdBytes: Uint8Array | undefined;
    let parentIdAt = 0;
    if (parent !== undefined && (ownsIds(parentSpan) || trace.isSpanContextValid(parent))) {
      traceId = parent.traceId;
      traceState = parent.traceState;
      validParent = parent;
      if (parentSpan instanceof LeanSpan) {
        traceIdBytes = parentSpan.traceIdBytes;
        traceIdAt = parentSpan.traceIdAt;
        parentIdBytes = parentSpan.spanIdBytes;
        parentIdAt = parentSpan.spanIdAt;
      }
    } else {
      traceId = this.ids.generateTraceId();
      if (idBytes !== undefined) {
        traceIdBytes = idBytes.lastBytes;
        traceIdAt = idBytes.lastAt;
      }
    }
    const kind = options.kind ?? SpanKind.INTERNAL;
    const limits = this.shared.limits;
    const links = options.links?.map((link) => cleanLink(link, limits));
    // Most spans start without attributes: no cleaning pass, no result object.
    const cleaned = options.attributes === undefined ? undefined : cleanStartAttributes(options.attributes);
    let attributes = cleaned === undefined ? {} : cleaned.attributes;
    let dropped = cleaned === undefined ? 0 : cleaned.droppedAttributesCount;
    let count = cleaned === undefined ? 0 : cleaned.count;
    const sampling =
      this.parentBasedAlwaysOn && getPropagatedDecision(ctx) === undefined
        ? validParent === undefined || (validParent.traceFlags & TraceFlags.SAMPLED) !== 0
          ? SAMPLED
          : NOT_SAMPLED
        : this.sampler.shouldSample(ctx, traceId, name, kind, attributes, links ?? NO_LINKS);
    traceState = sampling.traceState ?? traceState;
    // The SDK's shape: `traceState` is there even when undefined.
    const spanContext = {
      traceId,
      spanId,
      traceFlags:
        sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState,
    } as SpanContext;
    if (sampling.decision === SamplingDecision.NOT_RECORD) return new UnsampledSpan(spanContext);
    // The SDK's second pass: the sampler's attributes, then the limits, when they can change anything.
    if (
      sampling.attributes !== undefined ||
      (cleaned !== undefined && cleaned.longestString > limits.attributeValueLengthLimit) ||
      count > limits.attributeCountLimit
    ) {
      const limited = cleanAttributes(Object.assign(attributes, sampling.attributes), limits);
      attributes = limited.attributes ?? {};
      count = Object.keys(attributes).length;
      dropped += limited.droppedAttributesCount ?? 0;
    }
    return new LeanSpan(
      this.shared,
      {
        name,
        kind,
        spanContext,
        parentSpanContext: validParent,
        attributes,
        attributesCount: count,
        droppedAttributesCount: dropped,
        links,
        startTime: options.startTime,
        ids: { traceIdBytes, traceIdAt, spanIdBytes, spanIdAt, parentIdBytes, parentIdAt },
      },
      ctx,
    );
  }

  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    arg2?: F | SpanOptions,
    arg3?: F | Context,
    arg4?: F,
  ): ReturnType<F> | undefined {
    // The SDK reads the arguments by count; reading the callback by type gives the same for every valid call.
    // A call without a callback is the one deliberate difference (docs/span-engine.md): the SDK starts a span
    // that never ends and throws a TypeError into the app; here no span starts and the call returns undefined.
    let options: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F | undefined;
    if (typeof arg2 === 'function') fn = arg2;
    else if (typeof arg3 === 'function') {
      options = arg2;
      fn = arg3 as F;
    } else {
      options = arg2;
      ctx = arg3;
      fn = arg4;
    }
    if (fn === undefined) return undefined;
    const parentContext = ctx ?? contextApi.active();
    const span = this.startSpan(name, options, parentContext);
    const run = fn as unknown as (span: ApiSpan) => ReturnType<F>;
    return contextApi.with(trace.setSpan(parentContext, span), run, undefined, span);
  }
}
