import { context, type SpanOptions, trace } from '@opentelemetry/api';
import { isNoopSpan } from './noop-span.js';
import { endWithError } from './span-completion.js';
import { settle } from './traced-result.js';
import type { TracedSpec } from './traced-spec.js';
import { tracer } from './tracer.js';
import { ADOPTED_METHOD_KEY, TRACED_ORIGINAL, TRACED_SPEC } from './tracing.constants.js';

/** Any method. */
// biome-ignore lint/suspicious/noExplicitAny: methods of any signature are wrapped
export type AnyMethod = (this: any, ...args: any[]) => any;

interface TracedMethod extends AnyMethod {
  [TRACED_SPEC]?: TracedSpec;
  [TRACED_ORIGINAL]?: AnyMethod;
}

function spanOptionsFor(spec: TracedSpec, options: SpanOptions, args: unknown[]): SpanOptions {
  const attributesOf = spec.attributesOf;
  if (attributesOf === undefined) return options;
  try {
    return { ...options, attributes: { ...options.attributes, ...attributesOf(...args) } };
  } catch {
    return options;
  }
}

/**
 * Runs `original` under a new span described by `spec`; the heart of `@Traced`. `options` replaces
 * `spec.options` for this call (a route's handler span adds its `http.route`).
 */
export function runTraced(
  spec: TracedSpec,
  original: AnyMethod,
  self: unknown,
  args: unknown[],
  options: SpanOptions = spec.options,
): unknown {
  let parent = context.active();
  if (parent.getValue(ADOPTED_METHOD_KEY) === original) {
    // The handler interceptor already opened this method's span: add the attributes only the arguments give,
    // and run the method once, without a second span.
    if (spec.attributesOf !== undefined) {
      trace.getSpan(parent)?.setAttributes(spanOptionsFor(spec, {}, args).attributes ?? {});
    }
    return context.with(
      parent.deleteValue(ADOPTED_METHOD_KEY),
      Reflect.apply,
      undefined,
      original,
      self,
      args,
    );
  }
  if (spec.root) parent = trace.deleteSpan(parent);
  const span = tracer.startSpan(spec.name, spanOptionsFor(spec, options, args), parent);
  // Without an SDK the span is a no-op with no context of its own: call straight through.
  if (isNoopSpan(span)) return Reflect.apply(original, self, args);
  const spanContext = trace.setSpan(parent, span);
  let result: unknown;
  try {
    // Reflect.apply as the callback avoids binding a new function per call.
    result = context.with(spanContext, Reflect.apply, undefined, original, self, args);
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  if (!span.isRecording()) return result;
  return settle(span, spanContext, parent, result, spec);
}

/** The undecorated method behind a `@Traced` wrapper, or `undefined` for any other function. */
export function tracedOriginal(fn: unknown): AnyMethod | undefined {
  return typeof fn === 'function' ? (fn as TracedMethod)[TRACED_ORIGINAL] : undefined;
}

/** The spec of a `@Traced` wrapper, or `undefined` for any other function. */
export function tracedSpec(fn: unknown): TracedSpec | undefined {
  return typeof fn === 'function' ? (fn as TracedMethod)[TRACED_SPEC] : undefined;
}

/**
 * Copies what frameworks read off a method onto its wrapper: every reflect-metadata key (route, pattern,
 * roles, Swagger, schedule ...), the name and the length.
 */
export function copyMethodIdentity(from: AnyMethod, to: AnyMethod): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
  Object.defineProperty(to, 'name', { value: from.name, configurable: true });
  Object.defineProperty(to, 'length', { value: from.length, configurable: true });
}

/**
 * Returns `method` wrapped to run under a span. An already wrapped method is rewrapped from its original,
 * so a method never gets two spans.
 */
export function createTracedMethod(method: AnyMethod, spec: TracedSpec): AnyMethod {
  const original = tracedOriginal(method) ?? method;
  const wrapper: TracedMethod = function (this: unknown, ...args: unknown[]) {
    return runTraced(spec, original, this, args);
  };
  copyMethodIdentity(method, wrapper);
  Object.defineProperty(wrapper, TRACED_SPEC, { value: spec });
  Object.defineProperty(wrapper, TRACED_ORIGINAL, { value: original });
  return wrapper;
}
