import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { HttpConfig } from '../../config/http-config.js';
import { LEAN_ROOT_CONTEXT } from '../../lean-context.js';
import { serverDrain } from '../../shutdown/server-drain.js';
import { SpanwiseInstrumentation } from '../spanwise-instrumentation.js';
import { DEFAULT_REDACTED_QUERY_PARAMS, UrlRedactor } from '../url-redactor.js';
import {
  bindEmitsToRequestContext,
  carryContext,
  type Emit,
  emitRequest,
  replaceEmit,
  requestContextOf,
} from './emitter-context.js';
import { type IgnoreRule, serveIgnored } from './ignored-request.js';
import {
  type IncomingRequest,
  normalizeMethod,
  requestAttributes,
  serverSpanName,
} from './request-attributes.js';
import { RESPONSE_STEP, type ResponseStep } from './response-step.js';
import type { ServerSpanExtras } from './server-span-extras.js';

/**
 * Ends the server span when the response closes (finished, or cut off by the client); run by the response's
 * `emit('close')`, which Node calls once per response.
 */
function onResponseClose(emitter: unknown): void {
  const response = emitter as ServerResponse & ResponseStep;
  serverDrain.ended(response);
  const ctx = requestContextOf(response);
  const span = ctx === undefined ? undefined : trace.getSpan(ctx);
  if (ctx === undefined || span === undefined || !span.isRecording()) return;
  if (response.headersSent) {
    const status = response.statusCode;
    span.setAttribute('http.response.status_code', status);
    if (status >= 500 || status < 100) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  // The client went away before the response was complete: not the server's error, but not a success.
  if (!response.writableFinished) span.setAttribute('error.type', 'aborted');
  response[RESPONSE_STEP]?.(span, response);
  const metadata = getRPCMetadata(ctx);
  if (metadata?.type === RPCType.HTTP && metadata.route !== undefined) {
    span.setAttribute('http.route', metadata.route);
    const method = normalizeMethod(response.req?.method);
    span.updateName(`${serverSpanName(method)} ${metadata.route}`);
  }
  span.end();
}

function recordThrown(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  span.end();
}

/**
 * The HTTP server span, Spanwise's own: the OpenTelemetry HTTP instrumentation's server side binds every
 * request and response emitter, parses the URL and records a metric per request (about 19 µs of a 94 µs
 * request in `pnpm bench http`), so this one keeps its span and its contract and drops the rest. It continues the trace from the request headers (the
 * global propagator: W3C, B3, Jaeger), names the span `METHOD` and then `METHOD /route` from the route a
 * framework records in the RPC metadata (`@opentelemetry/core`'s, as the OpenTelemetry instrumentation
 * reads it), sets the stable HTTP semantic-convention attributes, marks 5xx as errors and ends the span when
 * the response closes. It patches prototypes (`net.Server`, `IncomingMessage`, `ServerResponse`), so load
 * order does not matter and http, https and ES module imports are all covered. Outgoing requests stay with
 * the OpenTelemetry instrumentation.
 */
export class HttpServerInstrumentation extends SpanwiseInstrumentation {
  private readonly ignore: IgnoreRule | undefined;
  private readonly extras: ServerSpanExtras;

  /**
   * `config`: ignored requests, captured headers and hooks; `redactor`: which query parameters read
   * `REDACTED` in `url.query` (the default list unless given).
   */
  constructor(
    config: HttpConfig = {},
    private readonly redactor = new UrlRedactor(DEFAULT_REDACTED_QUERY_PARAMS),
  ) {
    super('@spanwise/core/http-server');
    this.ignore = config.ignoreIncomingRequest;
    this.extras = config.server ?? {};
  }

  protected install(): () => void {
    // Required here, not at the top: core loads this file at start-up, the app may never serve HTTP.
    const { Server } = require('node:net') as typeof import('node:net');
    const http = require('node:http') as typeof import('node:http');
    const undoServer = this.patchServerEmit(Server.prototype as unknown as { emit: Emit });
    const undoRequests = bindEmitsToRequestContext([
      http.IncomingMessage.prototype as unknown as { emit: Emit },
    ]);
    const undoResponses = bindEmitsToRequestContext(
      [http.ServerResponse.prototype as unknown as { emit: Emit }],
      onResponseClose,
    );
    return () => {
      undoResponses();
      undoRequests();
      undoServer();
    };
  }

  private patchServerEmit(prototype: { emit: Emit }): () => void {
    const instrumentation = this;
    return replaceEmit(
      prototype,
      (original) =>
        function emitWithServerSpan(this: unknown, event, request, response) {
          if (event !== 'request' || request === null || typeof request !== 'object') {
            // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
            return original.apply(this, arguments as unknown as Parameters<Emit>);
          }
          return instrumentation.serve(
            this,
            original,
            request as IncomingMessage,
            response as ServerResponse,
          );
        },
    );
  }

  private serve(server: unknown, emit: Emit, request: IncomingMessage, response: ServerResponse): boolean {
    if (this.ignore?.(request) === true) return serveIgnored(server, emit, request, response);
    // Not ROOT_CONTEXT: every context of the request derives from this one (see lean-context.ts).
    const parent = propagation.extract(LEAN_ROOT_CONTEXT, request.headers);
    const method = normalizeMethod(request.method);
    const span = this.tracer.startSpan(serverSpanName(method), { kind: SpanKind.SERVER }, parent);
    // Attributes only for spans that record: a sampled-out request costs no string work.
    if (span.isRecording()) {
      span.setAttributes(requestAttributes(request as IncomingRequest, method, this.redactor));
      this.extras.onRequest?.(span, request);
      if (this.extras.onResponse !== undefined)
        (response as ResponseStep)[RESPONSE_STEP] = this.extras.onResponse;
    }
    const ctx = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
    carryContext(request, response, ctx);
    serverDrain.started(server as Server, response);
    try {
      return context.with(ctx, emitRequest, undefined, emit, server, request, response);
    } catch (error) {
      recordThrown(span, error);
      throw error;
    }
  }
}
