import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { Observable } from 'rxjs';
import { nameHttpServerSpan, routeTemplateOf } from './http-server-span.js';
import { messageParentContext } from './message-context.js';
import { tracedOriginal, tracedSpec } from './traced-method.js';
import { traceObservable } from './traced-observable.js';
import { tracer } from './tracer.js';
import { ADOPTED_METHOD_KEY, HANDLER_SPAN_KEY } from './tracing.constants.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { TRACING_SETTINGS } from './tracing-settings.provider.js';

/** `@nestjs/microservices` marks `@EventPattern` handlers with this handler type. */
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
const EVENT_HANDLER = 2;

/** Attribute name of the span that `@opentelemetry/instrumentation-nestjs-core` gives each request. */
const NEST_INSTRUMENTATION_TYPE = 'nestjs.type';

interface SpanStart {
  parent: Context;
  kind: SpanKind;
  attributes: Attributes;
}

function patternOf(rpcContext: unknown): string | undefined {
  const getPattern = (rpcContext as { getPattern?: unknown } | null)?.getPattern;
  if (typeof getPattern !== 'function') return undefined;
  const pattern: unknown = getPattern.call(rpcContext);
  return typeof pattern === 'string' ? pattern : undefined;
}

/** The span of `@opentelemetry/instrumentation-nestjs-core` (NestJS up to 11), when it made one. */
function nestInstrumentationSpan(active: Context): Span | undefined {
  const span = trace.getSpan(active);
  const attributes = (span as { attributes?: Attributes } | undefined)?.attributes;
  return attributes?.[NEST_INSTRUMENTATION_TYPE] === 'request_context' ? span : undefined;
}

/**
 * Opens the handler span of every HTTP route (`Controller.method`, a child of the HTTP server span, with
 * `http.route`) and every microservice handler (a child of the context the message carried). The span
 * covers interceptors after this one, pipes, the handler and the whole of its result, Observables included.
 */
@Injectable()
export class HandlerSpanInterceptor implements NestInterceptor {
  constructor(@Inject(TRACING_SETTINGS) private readonly settings: TracingSettings) {}

  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    const active = context.active();
    if (!this.settings.handlerSpans || active.getValue(HANDLER_SPAN_KEY) !== undefined) return next.handle();
    const start = this.spanStart(executionContext, active);
    if (start === undefined) return next.handle();
    const handler = executionContext.getHandler();
    const spec = tracedSpec(handler);
    const name = spec?.name ?? `${executionContext.getClass().name}.${handler.name}`;
    const options = {
      kind: spec?.options.kind ?? start.kind,
      attributes: { ...spec?.options.attributes, ...start.attributes },
    };
    const span = tracer.startSpan(name, options, start.parent);
    // Without an SDK there is nothing to record and no context to carry.
    if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return next.handle();
    let spanContext = trace.setSpan(start.parent, span).setValue(HANDLER_SPAN_KEY, true);
    const original = tracedOriginal(handler);
    if (original !== undefined) spanContext = spanContext.setValue(ADOPTED_METHOD_KEY, original);
    // next.handle() binds the rest of the chain to the context it is called in.
    const result = context.with(spanContext, () => next.handle());
    return traceObservable(result, span, { name, options, onResult: spec?.onResult }, start.parent);
  }

  private spanStart(executionContext: ExecutionContext, active: Context): SpanStart | undefined {
    const type = executionContext.getType();
    if (type === 'http') {
      const request: unknown = executionContext.switchToHttp().getRequest();
      const route = routeTemplateOf(request);
      nameHttpServerSpan(request, route, active);
      const nestSpan = nestInstrumentationSpan(active);
      if (nestSpan !== undefined) {
        // The official instrumentation already opened Controller.method: complete it instead of doubling it.
        if (route !== undefined) nestSpan.setAttribute('http.route', route);
        return undefined;
      }
      return {
        parent: active,
        kind: SpanKind.INTERNAL,
        attributes: route === undefined ? {} : { 'http.route': route },
      };
    }
    if (type === 'rpc') {
      const rpcContext: unknown = executionContext.switchToRpc().getContext();
      const isEvent =
        Reflect.getMetadata(PATTERN_HANDLER_METADATA, executionContext.getHandler()) === EVENT_HANDLER;
      const pattern = patternOf(rpcContext);
      return {
        parent: messageParentContext(rpcContext, active),
        kind: isEvent ? SpanKind.CONSUMER : SpanKind.SERVER,
        attributes: pattern === undefined ? {} : { 'nestjs.pattern': pattern },
      };
    }
    return undefined;
  }
}
