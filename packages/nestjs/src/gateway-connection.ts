import { type Context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { type HeaderCarrier, headersGetter } from '@spanwise/headers';

/** The context each WebSocket client sent when it connected, computed once per client. */
const CONNECTIONS = new WeakMap<object, Context>();
/** Marks an adapter (or application config) already watched. */
const WATCHED = Symbol.for('spanwise.nestjs.gatewayConnections');

type BindClientConnect = (server: unknown, callback: (...args: unknown[]) => void) => unknown;

interface Adapter {
  bindClientConnect?: BindClientConnect;
  [WATCHED]?: true;
}

interface AdapterSource {
  getIoAdapter?: () => unknown;
  [WATCHED]?: true;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The query parameters of a request target, as a carrier (`/ws?traceparent=…`). */
function queryOf(url: unknown): HeaderCarrier | undefined {
  if (typeof url !== 'string') return undefined;
  const mark = url.indexOf('?');
  if (mark < 0) return undefined;
  return Object.fromEntries(new URLSearchParams(url.slice(mark + 1)));
}

/**
 * The context a connecting client sent: its handshake headers (`traceparent`, or any configured format),
 * else the same fields as query parameters (a browser's `WebSocket` cannot set headers). A new root
 * otherwise: the transport's own HTTP spans (socket.io polling) are not a message's parent.
 */
function extractConnection(headers: unknown, query: unknown): Context {
  const fromHeaders = asObject(headers);
  if (fromHeaders !== undefined) {
    const extracted = propagation.extract(ROOT_CONTEXT, fromHeaders as HeaderCarrier, headersGetter);
    if (trace.getSpanContext(extracted) !== undefined) return extracted;
  }
  const fromQuery = asObject(query);
  if (fromQuery !== undefined)
    return propagation.extract(ROOT_CONTEXT, fromQuery as HeaderCarrier, headersGetter);
  return ROOT_CONTEXT;
}

/** Records the context of a client from the upgrade request it connected with (the `ws` adapter passes it). */
function remember(client: unknown, request: unknown): void {
  const clientObject = asObject(client);
  const requestObject = asObject(request);
  if (clientObject === undefined || requestObject === undefined || CONNECTIONS.has(clientObject)) return;
  CONNECTIONS.set(clientObject, extractConnection(requestObject.headers, queryOf(requestObject.url)));
}

/**
 * The parent of a gateway message's span: the context its client sent when it connected. socket.io keeps
 * the handshake on the socket; for other adapters it was recorded when the client connected.
 */
export function connectionContext(client: unknown): Context {
  const clientObject = asObject(client);
  if (clientObject === undefined) return ROOT_CONTEXT;
  let ctx = CONNECTIONS.get(clientObject);
  if (ctx === undefined) {
    const handshake = asObject(clientObject.handshake);
    ctx = handshake === undefined ? ROOT_CONTEXT : extractConnection(handshake.headers, handshake.query);
    CONNECTIONS.set(clientObject, ctx);
  }
  return ctx;
}

function watchAdapter(adapter: unknown): void {
  const target = asObject(adapter) as Adapter | undefined;
  if (target === undefined || target[WATCHED] === true || typeof target.bindClientConnect !== 'function')
    return;
  target[WATCHED] = true;
  const bind = target.bindClientConnect;
  target.bindClientConnect = function bindClientConnect(this: unknown, server, callback) {
    return bind.call(this, server, function onConnection(this: unknown, ...args: unknown[]) {
      remember(args[0], args[1]);
      return callback.apply(this, args);
    });
  };
}

/**
 * Watches the WebSocket adapter Nest uses (`ApplicationConfig.getIoAdapter()`, set by
 * `app.useWebSocketAdapter` or defaulted to socket.io when gateways connect), so the upgrade request of
 * each client is remembered when it connects.
 */
export function watchGatewayConnections(config: unknown): void {
  const source = asObject(config) as AdapterSource | undefined;
  if (source === undefined || source[WATCHED] === true || typeof source.getIoAdapter !== 'function') return;
  source[WATCHED] = true;
  const getIoAdapter = source.getIoAdapter;
  source.getIoAdapter = function watchedIoAdapter(this: unknown) {
    const adapter = getIoAdapter.call(this);
    watchAdapter(adapter);
    return adapter;
  };
}
