import { namingRoute } from './http-server-span.js';

/** The adapter methods Nest's router registers routes with, one per request method. */
const ROUTE_METHODS = [
  'get',
  'post',
  'put',
  'delete',
  'patch',
  'all',
  'options',
  'head',
  'search',
  'propfind',
  'proppatch',
  'mkcol',
  'copy',
  'move',
  'lock',
  'unlock',
  'query',
] as const;

const ROUTES_NAMED = Symbol.for('spanwise.nestjs.routes-named');

type Register = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Makes every route registered on `adapter` (a Nest HTTP adapter, Express or Fastify) name its request's
 * server span after the route template. The route methods are wrapped on this adapter instance only, once;
 * the router calls them with `(path, handler)` after `TracingModule` is created and before the app listens.
 */
export function nameRoutesOf(adapter: object): void {
  const target = adapter as Record<PropertyKey, unknown>;
  if (target[ROUTES_NAMED] === true) return;
  Object.defineProperty(target, ROUTES_NAMED, { value: true });
  for (const name of ROUTE_METHODS) {
    const register = target[name];
    if (typeof register !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      const path = args[0];
      const last = args.length - 1;
      const handler = args[last];
      // An error handler (four parameters) is not a route's entry point.
      if (last >= 1 && typeof path === 'string' && typeof handler === 'function' && handler.length <= 3) {
        args[last] = namingRoute(path, handler as Parameters<typeof namingRoute>[1]);
      }
      return (register as Register).apply(this, args);
    };
  }
}
