import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { copyMethodIdentity } from './traced-method.js';
import { RPC_METADATA_KEY } from './tracing.constants.js';

/** `RPCType.HTTP` of `@opentelemetry/core`. */
const HTTP = 'http';

interface RpcMetadata {
  type?: unknown;
  span?: Span | undefined;
  route?: string;
}

/** What an HTTP adapter (Express or Fastify) calls for a request that matched a route. */
type RouteHandler = (this: unknown, request: unknown, response: unknown, next: unknown) => unknown;

/** The route template of the HTTP request whose context is `active`, once its route handler started. */
export function httpRouteOf(active: Context): string | undefined {
  const metadata = active.getValue(RPC_METADATA_KEY) as RpcMetadata | undefined;
  return metadata?.type === HTTP ? metadata.route : undefined;
}

/**
 * Without the HTTP instrumentation there is no RPC metadata: the active span, if any, is the server span.
 * It is named at once, and the route is kept in a context of its own for the handler span.
 */
function contextWithRoute(active: Context, request: unknown, route: string): Context {
  const span = trace.getSpan(active);
  if (span?.isRecording() === true) {
    const method = (request as { method?: unknown } | null)?.method;
    span.updateName(`${typeof method === 'string' ? method : 'GET'} ${route}`);
    span.setAttribute('http.route', route);
  }
  const metadata: RpcMetadata = { type: HTTP, span, route };
  return active.setValue(RPC_METADATA_KEY, metadata);
}

/**
 * Wraps the handler an HTTP adapter registers for the route template `route`, so each request names its
 * server span `METHOD /route/:param` before any guard runs (a request a guard rejects keeps its route). The
 * route goes into the HTTP instrumentation's RPC metadata, from which the instrumentation sets `http.route`
 * and the span name when the response ends; the handler span reads it from there too.
 */
export function namingRoute(route: string, handler: RouteHandler): RouteHandler {
  const named: RouteHandler = function (this: unknown, request, response, next) {
    const active = context.active();
    const metadata = active.getValue(RPC_METADATA_KEY) as RpcMetadata | undefined;
    if (metadata === undefined) {
      return context.with(contextWithRoute(active, request, route), handler, this, request, response, next);
    }
    if (metadata.type === HTTP) metadata.route = route;
    return handler.call(this, request, response, next);
  };
  // Adapters read route options (version, Fastify config and schema) off the handler.
  Object.assign(named, handler);
  copyMethodIdentity(handler, named);
  return named;
}
