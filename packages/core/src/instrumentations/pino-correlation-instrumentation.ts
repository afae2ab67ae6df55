import { context, isSpanContextValid, type Span, trace } from '@opentelemetry/api';
import {
  InstrumentationBase,
  type InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';

const VERSION = '0.1.0';
const SUPPORTED = ['>=5.14.0 <11'];
/** Marks a line builder already wrapped: pino reached through two patched exports is wrapped once. */
const CORRELATED = Symbol('spanwise.pino.correlated');

/** `asJson(obj, msg, num, time)`: pino's line builder, `{"level":30` + `time` + bindings + fields + msg. */
type AsJson = (this: object, obj: unknown, msg: unknown, num: number, time: string) => string;
type Pino = ((...args: unknown[]) => Record<symbol, unknown>) & {
  symbols?: { asJsonSym?: symbol; chindingsSym?: symbol };
};

/** Whether a logger's bindings (pino's serialised `chindings`, `,"key":value,…`) carry their own `trace_id`. */
function hasOwnTraceId(chindings: unknown): boolean {
  return typeof chindings === 'string' && chindings.includes('"trace_id":');
}

/**
 * Log correlation for pino: each line written while a span is active gets `trace_id`, `span_id` and
 * `trace_flags` (as `@opentelemetry/instrumentation-pino` writes them). That instrumentation adds a mixin: per
 * line a new object, merged into the line's fields, then each id escaped and serialised as a field, which
 * cost 3.3× the line in `bench/logs/pino-correlation.mjs`. This one serialises the three fields once per
 * span into a JSON fragment and hands it to pino's line builder with the time, which pino already writes
 * verbatim: per line, one span look-up, one cache look-up and one string concatenation.
 *
 * The user's `mixin`, `mixinMergeStrategy` and `formatters` are untouched (they do not see the three fields).
 * A line whose own fields (from the call, the mixin or a child logger's bindings) already have a `trace_id`
 * is left as it is. The line
 * builder is `pino.symbols.asJsonSym`, with the same arguments in pino 5.14 to 10.
 */
export class PinoCorrelationInstrumentation extends InstrumentationBase<InstrumentationConfig> {
  /** The fragment of each span seen, `,"trace_id":"…","span_id":"…","trace_flags":"01"`, or '' if invalid. */
  private readonly fragments = new WeakMap<Span, string>();

  constructor() {
    super('@spanwise/core/pino', VERSION, {});
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition('pino', SUPPORTED, (module: Pino | { default: Pino }) =>
      this.patch(module),
    );
  }

  private patch(module: Pino | { default: Pino; pino?: Pino }) {
    const isEsm = (module as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module';
    const original = (isEsm ? (module as { default: Pino }).default : module) as Pino;
    const asJsonSym = original.symbols?.asJsonSym;
    if (typeof asJsonSym !== 'symbol') {
      this._diag.warn('pino exports no symbols.asJsonSym: its lines get no trace ids');
      return module;
    }
    const correlate = this.correlator(original.symbols?.chindingsSym);
    const patched = Object.assign(function pino(this: unknown, ...args: unknown[]) {
      const logger = original.apply(this, args);
      const asJson = logger[asJsonSym] as (AsJson & { [CORRELATED]?: true }) | undefined;
      if (typeof asJson === 'function' && asJson[CORRELATED] !== true) logger[asJsonSym] = correlate(asJson);
      return logger;
    }, original) as Pino & { pino?: Pino; default?: Pino };
    if (typeof patched.pino === 'function') patched.pino = patched;
    if (typeof patched.default === 'function') patched.default = patched;
    if (!isEsm) return patched;
    const namespace = module as { default: Pino; pino?: Pino };
    if (namespace.pino) namespace.pino = patched;
    namespace.default = patched;
    return module;
  }

  /** Wraps a logger's line builder (children inherit it) so the line gets the active span's fragment. */
  private correlator(chindingsSym: symbol | undefined) {
    const instrumentation = this;
    return (asJson: AsJson): AsJson => {
      const correlated = function correlatedAsJson(this: object, obj, msg, num, time) {
        if (!instrumentation.isEnabled()) return asJson.call(this, obj, msg, num, time);
        const span = trace.getSpan(context.active());
        if (
          span === undefined ||
          (obj as { trace_id?: unknown } | null)?.trace_id !== undefined ||
          hasOwnTraceId(
            chindingsSym === undefined ? undefined : (this as Record<symbol, unknown>)[chindingsSym],
          )
        ) {
          return asJson.call(this, obj, msg, num, time);
        }
        return asJson.call(this, obj, msg, num, time + instrumentation.fragmentOf(span));
      } as AsJson & { [CORRELATED]?: true };
      correlated[CORRELATED] = true;
      return correlated;
    };
  }

  private fragmentOf(span: Span): string {
    let fragment = this.fragments.get(span);
    if (fragment === undefined) {
      // A span's context never changes, and valid ids are hex digits: nothing to escape.
      const ids = span.spanContext();
      fragment = isSpanContextValid(ids)
        ? `,"trace_id":"${ids.traceId}","span_id":"${ids.spanId}","trace_flags":"${(ids.traceFlags & 0xff)
            .toString(16)
            .padStart(2, '0')}"`
        : '';
      this.fragments.set(span, fragment);
    }
    return fragment;
  }
}
