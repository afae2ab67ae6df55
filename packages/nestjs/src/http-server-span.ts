import { type Context, type Span, trace } from '@opentelemetry/api';
import { HANDLER_SPAN_KEY, RPC_METADATA_KEY } from './tracing.constants.js';

interface RpcMetadata {
  type?: unknown;
  span?: Span;
  route?: string;
}

interface RoutedRequest {
  method?: string;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  routerPath?: unknown;
}

const NAMED = Symbol('spanwise.nestjs.server-span-named');

/**
 * The route template a request matched: Express keeps it on `req.route.path`, Fastify on
 * `request.routeOptions.url` (`routerPath` before Fastify 4.10). Both include the global prefix and the
 * URI version, and never the raw URL.
 */
export function routeTemplateOf(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const req = request as RoutedRequest;
  const template = req.route?.path ?? req.routeOptions?.url ?? req.routerPath;
  return typeof template === 'string' ? template : undefined;
}

function serverSpanOf(active: Context): Span | undefined {
  const metadata = active.getValue(RPC_METADATA_KEY) as RpcMetadata | undefined;
  if (metadata?.type === 'http') return metadata.span;
  // Without the SDK's HTTP instrumentation metadata, the active span is the server span until a handler span
  // exists.
  return active.getValue(HANDLER_SPAN_KEY) === undefined ? trace.getSpan(active) : undefined;
}

/**
 * Names the HTTP server span `METHOD /route/:template` and sets `http.route`, once per request. The route is
 * also handed to the HTTP instrumentation, which names the span from it when the response ends.
 */
export function nameHttpServerSpan(request: unknown, route: string | undefined, active: Context): void {
  if (route === undefined || typeof request !== 'object' || request === null) return;
  const marked = request as { [NAMED]?: true };
  if (marked[NAMED] === true) return;
  marked[NAMED] = true;
  const metadata = active.getValue(RPC_METADATA_KEY) as RpcMetadata | undefined;
  if (metadata?.type === 'http') metadata.route = route;
  const span = serverSpanOf(active);
  if (span === undefined || !span.isRecording()) return;
  span.updateName(`${(request as RoutedRequest).method ?? 'GET'} ${route}`);
  span.setAttribute('http.route', route);
}
