import type { Attributes } from '@opentelemetry/api';
import type { UrlRedactor } from '../url-redactor.js';

/** What the server span reads off an incoming request: the parts of `http.IncomingMessage` it uses. */
export interface IncomingRequest {
  method?: string | undefined;
  url?: string | undefined;
  httpVersion?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  socket?: {
    remoteAddress?: string | undefined;
    remotePort?: number | undefined;
    encrypted?: boolean;
  } | null;
}

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** `http.request.method` per the semantic conventions: a known method, else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** The span name before a route is known: the method, or `HTTP` for an unknown one. */
export function serverSpanName(method: string): string {
  return method === '_OTHER' ? 'HTTP' : method;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `client.address`: the first hop of `Forwarded` or `X-Forwarded-For`, else the peer (NGINX and Kong set them). */
function clientAddress(request: IncomingRequest): string | undefined {
  const forwarded = firstHeader(request.headers.forwarded);
  if (forwarded !== undefined) {
    const match = /(?:^|[;,\s])for="?\[?([^;,"\]\s]+)/i.exec(forwarded);
    if (match?.[1] !== undefined) return match[1];
  }
  const forwardedFor = firstHeader(request.headers['x-forwarded-for']);
  if (forwardedFor !== undefined) {
    const comma = forwardedFor.indexOf(',');
    const first = (comma < 0 ? forwardedFor : forwardedFor.slice(0, comma)).trim();
    if (first !== '') return first;
  }
  return request.socket?.remoteAddress;
}

/** Splits a Host header (`name`, `name:port`, `[v6]:port`) into `server.address` and `server.port`. */
function setServerAddress(attributes: Attributes, host: string | undefined): void {
  if (host === undefined || host === '') return;
  const close = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.indexOf(':', Math.max(close, 0));
  if (colon < 0) {
    attributes['server.address'] = close < 0 ? host : host.slice(1, close);
    return;
  }
  attributes['server.address'] = close < 0 ? host.slice(0, colon) : host.slice(1, close);
  const port = Number(host.slice(colon + 1));
  if (Number.isInteger(port) && port > 0) attributes['server.port'] = port;
}

function setUrl(attributes: Attributes, target: string, redactor: UrlRedactor): void {
  let path = target;
  let query = '';
  if (!target.startsWith('/')) {
    // Absolute form (a forward proxy's request target): keep only path and query.
    try {
      const url = new URL(target);
      path = url.pathname;
      query = url.search.slice(1);
    } catch {
      attributes['url.path'] = target;
      return;
    }
  } else {
    const mark = target.indexOf('?');
    if (mark >= 0) {
      path = target.slice(0, mark);
      query = target.slice(mark + 1);
    }
  }
  attributes['url.path'] = path;
  if (query !== '') attributes['url.query'] = redactor.redactQuery(query);
}

/**
 * The stable HTTP server span attributes known when the request arrives; `redactor` replaces the values of
 * secret query parameters in `url.query`.
 */
export function requestAttributes(
  request: IncomingRequest,
  method: string,
  redactor: UrlRedactor,
): Attributes {
  const socket = request.socket;
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': socket?.encrypted === true ? 'https' : 'http',
  };
  if (method === '_OTHER' && request.method !== undefined) {
    attributes['http.request.method_original'] = request.method;
  }
  setUrl(attributes, request.url ?? '/', redactor);
  setServerAddress(attributes, firstHeader(request.headers.host));
  const client = clientAddress(request);
  if (client !== undefined) attributes['client.address'] = client;
  if (socket?.remoteAddress !== undefined) attributes['network.peer.address'] = socket.remoteAddress;
  if (socket?.remotePort !== undefined) attributes['network.peer.port'] = socket.remotePort;
  if (request.httpVersion !== undefined) attributes['network.protocol.version'] = request.httpVersion;
  const agent = firstHeader(request.headers['user-agent']);
  if (agent !== undefined) attributes['user_agent.original'] = agent;
  return attributes;
}
