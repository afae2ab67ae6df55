import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { Attributes, Span } from '@opentelemetry/api';
import type { CapturedHeaders } from '../../config/captured-headers.js';
import { logger } from '../../logger.js';

/** What the server span does beyond its standard attributes; each step is absent when not configured. */
export interface ServerSpanExtras {
  /** Right after the span starts, for a recording span, in the request's context. */
  onRequest?: ((span: Span, request: IncomingMessage) => void) | undefined;
  /** When the response closes, just before the span ends, for a recording span. */
  onResponse?: ((span: Span, response: ServerResponse) => void) | undefined;
}

/** The user's hooks on the server span (`TracingOptions.http`). */
export interface ServerSpanHooks {
  serverRequestHook?: ((span: Span, request: IncomingMessage) => void) | undefined;
  serverResponseHook?: ((span: Span, response: ServerResponse) => void) | undefined;
}

/** `http.<kind>.header.<name>` for each named header present, as a string array. */
function recordHeaders(
  span: Span,
  kind: 'request' | 'response',
  names: readonly string[],
  get: (name: string) => OutgoingHttpHeader | undefined,
): void {
  let attributes: Attributes | undefined;
  for (const name of names) {
    const value = get(name);
    if (value === undefined) continue;
    attributes ??= {};
    attributes[`http.${kind}.header.${name}`] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  if (attributes !== undefined) span.setAttributes(attributes);
}

/** Calls a user hook; a throw is reported once per hook and never reaches the request. */
export function guarded<T>(
  hook: ((span: Span, target: T) => void) | undefined,
  name: string,
): ((span: Span, target: T) => void) | undefined {
  if (hook === undefined) return undefined;
  if (typeof hook !== 'function') {
    logger.warn(`TracingOptions.http.${name} is a ${typeof hook}, not a function; ignoring it.`);
    return undefined;
  }
  let reported = false;
  return (span, target) => {
    try {
      hook(span, target);
    } catch (error) {
      if (reported) return;
      reported = true;
      logger.warn(`TracingOptions.http.${name} threw (${String(error)}); further throws are not reported.`);
    }
  };
}

/** Joins two optional steps into one, or `undefined` when both are absent. */
function both<T>(
  first: ((span: Span, target: T) => void) | undefined,
  second: ((span: Span, target: T) => void) | undefined,
): ((span: Span, target: T) => void) | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return (span, target) => {
    first(span, target);
    second(span, target);
  };
}

/**
 * The server span's header capture and hooks. With nothing configured both steps are `undefined`, and the
 * server instrumentation skips them at the cost of one field check per request.
 */
export function createServerSpanExtras(headers: CapturedHeaders, hooks: ServerSpanHooks): ServerSpanExtras {
  const requestNames = headers.serverRequest;
  const responseNames = headers.serverResponse;
  const captureRequest =
    requestNames.length === 0
      ? undefined
      : (span: Span, request: IncomingMessage) =>
          recordHeaders(span, 'request', requestNames, (name) => request.headers[name]);
  const captureResponse =
    responseNames.length === 0
      ? undefined
      : (span: Span, response: ServerResponse) =>
          recordHeaders(span, 'response', responseNames, (name) => response.getHeader(name));
  return {
    onRequest: both(captureRequest, guarded(hooks.serverRequestHook, 'serverRequestHook')),
    onResponse: both(captureResponse, guarded(hooks.serverResponseHook, 'serverResponseHook')),
  };
}
