import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { LEAN_ROOT_CONTEXT } from '../../lean-context.js';
import { logger } from '../../logger.js';
import { carryContext, type Emit, emitRequest } from './emitter-context.js';

/** Decides, per incoming request, whether it is left out of traces. */
export type IgnoreRule = (request: IncomingMessage) => boolean;

/**
 * The context an ignored request runs in: no parent span, tracing suppressed, the same for every request;
 * derived from the closure-free root, like a traced request's, so what the request derives from it is too.
 */
const SUPPRESSED = suppressTracing(LEAN_ROOT_CONTEXT);

/**
 * Splits a path list (`SPANWISE_HTTP_IGNORE_PATHS` or `TracingOptions.http.ignorePaths`) into exact paths
 * and prefixes (an entry ending in `*`). An entry that does not start with `/` can never match a request
 * path: it warns, naming `source`, and is skipped.
 */
export function parseIgnorePaths(
  entries: readonly string[],
  source: string,
): { exact: Set<string>; prefixes: string[] } {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (!entry.startsWith('/')) {
      logger.warn(
        `${source} entry ${JSON.stringify(entry)} is not a path starting with "/"; ignoring the entry.`,
      );
      continue;
    }
    if (entry.endsWith('*')) prefixes.push(entry.slice(0, -1));
    else exact.add(entry);
  }
  return { exact, prefixes };
}

/** The path of a request target, without query or fragment: `/health` for `/health?full=1`. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  if (url.charCodeAt(0) !== 47 /* / */) {
    // Absolute form (a forward proxy's request target) or `*` (OPTIONS): compare its path.
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  }
  let end = url.length;
  const query = url.indexOf('?');
  if (query >= 0) end = query;
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  return end === url.length ? url : url.slice(0, end);
}

/**
 * One rule from the path list and the user's predicate, or `undefined` when neither is set, so an app that
 * ignores nothing pays nothing per request. A predicate that throws counts as "not ignored", and the first
 * throw is reported.
 */
export function createIgnoreRule(
  paths: { exact: Set<string>; prefixes: string[] },
  predicate: IgnoreRule | undefined,
): IgnoreRule | undefined {
  const { exact, prefixes } = paths;
  const hasPaths = exact.size > 0 || prefixes.length > 0;
  if (!hasPaths && predicate === undefined) return undefined;
  let reported = false;
  return (request) => {
    if (hasPaths) {
      const path = pathOf(request.url);
      if (exact.has(path)) return true;
      for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    }
    if (predicate === undefined) return false;
    try {
      return predicate(request) === true;
    } catch (error) {
      if (!reported) {
        reported = true;
        logger.warn(
          `TracingOptions.http.ignoreIncomingRequest threw (${String(error)}); the request is traced. ` +
            'Further throws are not reported.',
        );
      }
      return false;
    }
  };
}

/**
 * Serves an ignored request: no span, no trace context read from its headers, and tracing suppressed for
 * everything it does, its body's events included (they run in the request's context), so the calls it
 * makes record no spans and send no trace headers.
 */
export function serveIgnored(
  server: unknown,
  emit: Emit,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  carryContext(request, response, SUPPRESSED);
  return context.with(SUPPRESSED, emitRequest, undefined, emit, server, request, response);
}
