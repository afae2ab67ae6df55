import type { IncomingMessage } from 'node:http';

/** HTTP options of {@link TracingOptions}: what to leave out of traces. */
export interface HttpOptions {
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
}
