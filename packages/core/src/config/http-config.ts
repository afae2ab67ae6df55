import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { HttpOptions } from '../http-options.js';
import {
  createIgnoreRule,
  type IgnoreRule,
  parseIgnorePaths,
} from '../instrumentations/http-server/ignored-request.js';
import {
  createServerSpanExtras,
  guarded,
  type ServerSpanExtras,
} from '../instrumentations/http-server/server-span-extras.js';
import { logger } from '../logger.js';
import { resolveCapturedHeaders } from './captured-headers.js';
import type { EnvReader } from './env-reader.js';

/** What `@opentelemetry/instrumentation-http` and `-undici` are configured with for client spans. */
export interface HttpClientConfig {
  /** For `HttpInstrumentation`: present only when something is configured. */
  http: {
    headersToSpanAttributes?: { client: { requestHeaders: string[]; responseHeaders: string[] } };
    requestHook?: (span: Span, request: ClientRequest | IncomingMessage) => void;
    responseHook?: (span: Span, response: IncomingMessage | unknown) => void;
  };
  /** For `UndiciInstrumentation` (`fetch`). */
  undici: { headersToSpanAttributes?: { requestHeaders: string[]; responseHeaders: string[] } };
}

/** The HTTP settings the instrumentations read, resolved once at start-up. */
export interface HttpConfig {
  /** Which incoming requests make no span; `undefined` when nothing is ignored. */
  ignoreIncomingRequest?: IgnoreRule | undefined;
  /** Header capture and hooks on the server span. */
  server?: ServerSpanExtras;
  /** Header capture and hooks on client spans. */
  client?: HttpClientConfig;
}

function resolveIgnoreRule(env: EnvReader, options: HttpOptions): IgnoreRule | undefined {
  const paths =
    options.ignorePaths !== undefined
      ? parseIgnorePaths(options.ignorePaths, 'TracingOptions.http.ignorePaths')
      : parseIgnorePaths(
          (env.raw('SPANWISE_HTTP_IGNORE_PATHS') ?? '').split(','),
          'SPANWISE_HTTP_IGNORE_PATHS',
        );
  const predicate = options.ignoreIncomingRequest;
  if (predicate !== undefined && typeof predicate !== 'function') {
    logger.warn(
      `TracingOptions.http.ignoreIncomingRequest is a ${typeof predicate}, not a function; ignoring it.`,
    );
  }
  return createIgnoreRule(paths, typeof predicate === 'function' ? predicate : undefined);
}

/** Merges `TracingOptions.http` over the environment. Bad entries warn and are skipped. */
export function resolveHttpConfig(env: EnvReader, options: HttpOptions = {}): HttpConfig {
  const headers = resolveCapturedHeaders(env, options.captureHeaders);
  const client: HttpClientConfig = { http: {}, undici: {} };
  if (headers.clientRequest.length > 0 || headers.clientResponse.length > 0) {
    const lists = { requestHeaders: headers.clientRequest, responseHeaders: headers.clientResponse };
    client.http.headersToSpanAttributes = { client: lists };
    client.undici.headersToSpanAttributes = lists;
  }
  const requestHook = guarded(options.clientRequestHook, 'clientRequestHook');
  if (requestHook !== undefined) {
    client.http.requestHook = (span, request) => requestHook(span, request as ClientRequest);
  }
  const responseHook = guarded(options.clientResponseHook, 'clientResponseHook');
  if (responseHook !== undefined) {
    client.http.responseHook = (span, response) => responseHook(span, response as IncomingMessage);
  }
  return {
    ignoreIncomingRequest: resolveIgnoreRule(env, options),
    server: createServerSpanExtras(headers, options),
    client,
  };
}
