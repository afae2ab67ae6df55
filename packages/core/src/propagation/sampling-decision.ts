import { type Context, createContextKey, type SpanContext } from '@opentelemetry/api';

/**
 * A sampling decision a propagation format carried that `traceFlags` cannot express:
 * - `defer`: the peer sent ids but no decision (B3 without `X-B3-Sampled`, `b3: {t}-{s}`, `ot-tracer-*`
 *   without `ot-tracer-sampled`); the local sampler decides, as for a root span of that trace;
 * - `deny`: a decision without ids (`b3: 0`); nothing is sampled;
 * - `accept`: a decision without ids (`b3: 1`, `b3: d`, `X-B3-Flags: 1`); the new trace is sampled.
 */
export type PropagatedDecision =
  | { kind: 'defer'; spanContext: SpanContext }
  | { kind: 'deny' }
  | { kind: 'accept' };

const DECISION_KEY = createContextKey('spanwise.propagated-sampling-decision');
const DEBUG_KEY = createContextKey('spanwise.debug-trace-id');

/** `ctx` carrying a decision for the sampler (read by `PropagatedDecisionSampler`). */
export function setPropagatedDecision(ctx: Context, decision: PropagatedDecision): Context {
  return ctx.setValue(DECISION_KEY, decision);
}

/** The decision extracted into `ctx`, if any. */
export function getPropagatedDecision(ctx: Context): PropagatedDecision | undefined {
  return ctx.getValue(DECISION_KEY) as PropagatedDecision | undefined;
}

/**
 * Marks the trace `traceId` as a debug trace (B3 `d` / `X-B3-Flags: 1`, Jaeger flag 2), so that outgoing
 * calls of that trace carry the debug flag on. The trace id scopes it: a new root trace started in the same
 * context is not debug.
 */
export function setDebugTrace(ctx: Context, traceId: string): Context {
  return ctx.setValue(DEBUG_KEY, traceId);
}

/** Whether `traceId` was received as a debug trace in `ctx`. */
export function isDebugTrace(ctx: Context, traceId: string): boolean {
  return ctx.getValue(DEBUG_KEY) === traceId;
}
