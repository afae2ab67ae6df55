import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  type SpanOptions,
  trace,
} from '@opentelemetry/api';
import { httpRouteOf } from './http-server-span.js';
import {
  type AnyMethod,
  copyMethodIdentity,
  runTraced,
  tracedOriginal,
  tracedSpec,
} from './traced-method.js';
import type { TracedSpec } from './traced-spec.js';
import { ROUTE_HANDLER_SPAN, TRACED_ORIGINAL, TRACED_SPEC } from './tracing.constants.js';

/** Attribute name of the span that `@opentelemetry/instrumentation-nestjs-core` gives each request. */
const NEST_INSTRUMENTATION_TYPE = 'nestjs.type';

/** Span options kept per route template of one handler; a handler has a few, this is only a backstop. */
const MAX_CACHED_ROUTES = 32;

/** The span of `@opentelemetry/instrumentation-nestjs-core` (NestJS up to 11), when it made one. */
function nestInstrumentationSpan(active: Context): Span | undefined {
  const span = trace.getSpan(active);
  const attributes = (span as { attributes?: Attributes } | undefined)?.attributes;
  return attributes?.[NEST_INSTRUMENTATION_TYPE] === 'request_context' ? span : undefined;
}

/** The handler span's options for each route, built on first use so no request allocates them. */
function routeOptions(base: SpanOptions): (route: string | undefined) => SpanOptions {
  const byRoute = new Map<string, SpanOptions>();
  return (route) => {
    if (route === undefined) return base;
    let options = byRoute.get(route);
    if (options === undefined) {
      options = { ...base, attributes: { ...base.attributes, 'http.route': route } };
      if (byRoute.size < MAX_CACHED_ROUTES) byRoute.set(route, options);
    }
    return options;
  };
}

/** True for a method that already opens its route's handler span. */
export function isRouteHandlerSpan(method: unknown): boolean {
  return (
    typeof method === 'function' && (method as { [ROUTE_HANDLER_SPAN]?: true })[ROUTE_HANDLER_SPAN] === true
  );
}

/**
 * Returns the route handler `method` of `className` wrapped to open its handler span: `Controller.method`
 * (or the name, kind and attributes of its own `@Traced`), a child of the active span, with the `http.route`
 * the request was routed by. It is the `@Traced` wrapper with the route added, so the span ends when the
 * handler's work ends whatever it returns, and the method is never wrapped twice.
 */
export function createRouteSpanMethod(method: AnyMethod, className: string, methodName: string): AnyMethod {
  const traced = tracedSpec(method);
  const original = tracedOriginal(method) ?? method;
  const spec: TracedSpec = {
    name: traced?.name ?? `${className}.${methodName}`,
    options: { ...traced?.options, kind: traced?.options.kind ?? SpanKind.INTERNAL },
    attributesOf: traced?.attributesOf,
    onResult: traced?.onResult,
    root: false,
  };
  const optionsFor = routeOptions(spec.options);
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const active = context.active();
    const route = httpRouteOf(active);
    const nestSpan = nestInstrumentationSpan(active);
    if (nestSpan !== undefined) {
      // The official instrumentation already opened Controller.method: complete it instead of doubling it.
      if (route !== undefined) nestSpan.setAttribute('http.route', route);
      return Reflect.apply(original, this, args);
    }
    return runTraced(spec, original, this, args, optionsFor(route));
  };
  copyMethodIdentity(method, wrapper);
  Object.defineProperty(wrapper, TRACED_SPEC, { value: spec });
  Object.defineProperty(wrapper, TRACED_ORIGINAL, { value: original });
  Object.defineProperty(wrapper, ROUTE_HANDLER_SPAN, { value: true });
  return wrapper;
}
