import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';

/**
 * HTTP options of `TracingOptions`: what to leave out of traces, which query values to redact, which headers
 * to record, hooks on the spans.
 */
export interface HttpOptions {
  /**
   * Query parameters whose values read `REDACTED` in `url.query` (server spans) and `url.full` (HTTP client,
   * `fetch` and undici spans), matched case-insensitively. Replaces the default list
   * (`DEFAULT_REDACTED_QUERY_PARAMS`: common credentials such as `password`, `token`, `api_key`, and the
   * semantic conventions' signature parameters), as `SPANWISE_REDACTED_QUERY_PARAMS` does; extend it with
   * `[...DEFAULT_REDACTED_QUERY_PARAMS, 'my_key']`, turn it off with `[]`. A user and password in `url.full`
   * (`https://user:pass@host/`) always read `REDACTED:REDACTED`.
   */
  redactedQueryParams?: readonly string[];
  /**
   * Incoming request paths that make no span, start no trace and run with tracing suppressed: exact paths
   * (`/health`), or prefixes ending in `*` (`/internal/*`). Matched against the path without the query,
   * case-sensitively. Replaces `SPANWISE_HTTP_IGNORE_PATHS`.
   */
  ignorePaths?: string[];
  /**
   * Called with each incoming request before its span starts; `true` ignores it as `ignorePaths` does (both
   * apply: a request either one ignores is ignored). It runs on every request, so keep it cheap; it may read
   * the request (method, url, headers) and must not consume its body. A throw counts as `false` and is
   * reported once.
   */
  ignoreIncomingRequest?: (request: IncomingMessage) => boolean;
  /**
   * Header names to record as `http.request.header.<name>` / `http.response.header.<name>` (lower case, a
   * string array each), on the server span (`serverRequest`, `serverResponse`) and on client spans of
   * `http`/`https` and `fetch` (`clientRequest`, `clientResponse`). Each list replaces its
   * `OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_*` variable. `authorization`, `cookie`, `set-cookie` and
   * `proxy-authorization` are never recorded, even when named.
   */
  captureHeaders?: {
    serverRequest?: string[];
    serverResponse?: string[];
    clientRequest?: string[];
    clientResponse?: string[];
  };
  /**
   * Called when an incoming request's server span starts (sampled requests only), in the request's context.
   * It may set attributes on the span, update its name and read the request (method, url, headers); it
   * must not end the span, consume the body or write the response. A throw is reported once and ignored.
   */
  serverRequestHook?: (span: Span, request: IncomingMessage) => void;
  /**
   * Called when the response of a sampled request closes, just before the server span ends. It may set
   * attributes and status and read the response (`statusCode`, `getHeader`); it must not end the span.
   */
  serverResponseHook?: (span: Span, response: ServerResponse) => void;
  /**
   * Called when an outgoing `http`/`https` request's client span starts, before the request is sent. It may
   * set attributes on the span and read the request (`method`, `path`, `getHeader`); it must not end the
   * span or write to the request. Not called for `fetch`.
   */
  clientRequestHook?: (span: Span, request: ClientRequest) => void;
  /**
   * Called when the response to an outgoing `http`/`https` request arrives. It may set attributes and read
   * the response (`statusCode`, `headers`); it must not consume the body or end the span. Not called for
   * `fetch`.
   */
  clientResponseHook?: (span: Span, response: IncomingMessage) => void;
}
