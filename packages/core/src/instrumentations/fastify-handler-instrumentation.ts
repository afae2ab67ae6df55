import type { TracingChannel } from 'node:diagnostics_channel';
import { type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { contextStorage } from '../context-storage.js';
import { SpanwiseInstrumentation } from './spanwise-instrumentation.js';

const SPAN = Symbol('spanwise.fastify.span');

/** What Fastify publishes on `tracing:fastify.request.handler:*`, one object per request. */
interface HandlerMessage {
  route?: { url?: string; method?: string };
  reply?: { statusCode?: number };
  async?: boolean;
  error?: unknown;
  [SPAN]?: Span | undefined;
}

function finish(message: HandlerMessage): void {
  const span = message[SPAN];
  if (span === undefined) return;
  message[SPAN] = undefined;
  span.end();
}

/**
 * Fastify request-handler spans, `request handler - /route/:param`, from the tracing channel Fastify 5
 * publishes around every route handler (`fastify.request.handler`). The span is made the active context for
 * the handler through `bindStore`, so what the handler does (a NestJS handler span, a database call) is its
 * child; the route also names the HTTP server span. Nothing is patched, and hooks and middleware get no spans,
 * as with the curated Express instrumentation.
 */
export class FastifyHandlerInstrumentation extends SpanwiseInstrumentation {
  constructor() {
    super('@spanwise/core/fastify');
  }

  protected install(): () => void {
    const dc = require('node:diagnostics_channel') as typeof import('node:diagnostics_channel');
    const channel = dc.tracingChannel('fastify.request.handler') as TracingChannel<object, HandlerMessage>;
    const storage = contextStorage();
    const start = (message: HandlerMessage): Context => {
      const active = context.active();
      const span = this.startSpan(message, active);
      return span === undefined ? active : trace.setSpan(active, span);
    };
    const subscribers = {
      // Without the storage the span is still recorded, only not made active.
      start: storage === undefined ? (message: HandlerMessage) => void start(message) : () => {},
      end: (message: HandlerMessage) => {
        if (message.async !== true) finish(message);
      },
      asyncStart: () => {},
      asyncEnd: finish,
      error: (message: HandlerMessage) => this.recordError(message),
    };
    if (storage !== undefined) channel.start.bindStore(storage, start);
    channel.subscribe(subscribers);
    return () => {
      if (storage !== undefined) channel.start.unbindStore(storage);
      channel.unsubscribe(subscribers);
    };
  }

  private startSpan(message: HandlerMessage, active: Context): Span | undefined {
    const route = message.route?.url;
    if (route === undefined) return undefined;
    const metadata = getRPCMetadata(active);
    if (metadata?.type === RPCType.HTTP && metadata.route === undefined) metadata.route = route;
    const span = this.tracer.startSpan(
      `request handler - ${route}`,
      { attributes: { 'http.route': route, 'fastify.type': 'request_handler' } },
      active,
    );
    message[SPAN] = span;
    return span;
  }

  private recordError(message: HandlerMessage): void {
    const span = message[SPAN];
    if (span === undefined || !span.isRecording()) return;
    const error = message.error;
    span.recordException(error instanceof Error ? error : String(error));
    // Fastify sets the reply's status before it publishes: a 4xx is the client's error, not the handler's.
    if ((message.reply?.statusCode ?? 500) >= 500) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
