import { type Attributes, type Context, type Link, type SpanKind, trace } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { getPropagatedDecision } from './sampling-decision.js';

// SamplingDecision's values; the enum lives in the SDK, which this file must not load at start-up.
const NOT_RECORD = 0;
const RECORD_AND_SAMPLED = 2;

/**
 * Wraps the configured sampler to honour the sampling decisions B3 and ottrace carry that `traceFlags`
 * cannot: with no decision from the peer, the configured sampler decides as for a new trace (keeping the
 * peer's trace id, so a ratio sampler agrees with other services); `b3: 0` samples nothing; `b3: 1` or `d`
 * without ids samples the new trace. Everything else goes to the configured sampler unchanged.
 */
export class PropagatedDecisionSampler implements Sampler {
  constructor(private readonly sampler: Sampler) {}

  shouldSample(
    ctx: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const decision = getPropagatedDecision(ctx);
    if (decision !== undefined) {
      const parent = trace.getSpanContext(ctx);
      if (decision.kind === 'defer') {
        if (
          parent !== undefined &&
          parent.isRemote === true &&
          parent.traceId === decision.spanContext.traceId &&
          parent.spanId === decision.spanContext.spanId
        ) {
          return this.sampler.shouldSample(
            trace.deleteSpan(ctx),
            traceId,
            spanName,
            spanKind,
            attributes,
            links,
          );
        }
      } else if (parent === undefined) {
        return { decision: decision.kind === 'deny' ? NOT_RECORD : RECORD_AND_SAMPLED };
      }
    }
    return this.sampler.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return this.sampler.toString();
  }
}
