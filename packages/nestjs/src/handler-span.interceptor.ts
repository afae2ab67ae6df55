import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Attributes, type Context, context, SpanKind, trace } from '@opentelemetry/api';
import type { Observable } from 'rxjs';
import { connectionContext } from './gateway-connection.js';
import { messageParentContext } from './message-context.js';
import { isNoopSpan } from './noop-span.js';
import { tracedOriginal, tracedSpec } from './traced-method.js';
import { traceObservable } from './traced-observable.js';
import { tracer } from './tracer.js';
import { ADOPTED_METHOD_KEY, HANDLER_SPAN_KEY } from './tracing.constants.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { TRACING_SETTINGS } from './tracing-settings.provider.js';

/** `@nestjs/microservices` marks `@EventPattern` handlers with this handler type. */
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
const EVENT_HANDLER = 2;

function patternOf(host: unknown): string | undefined {
  const getPattern = (host as { getPattern?: unknown } | null)?.getPattern;
  if (typeof getPattern !== 'function') return undefined;
  try {
    const pattern: unknown = getPattern.call(host);
    return typeof pattern === 'string' ? pattern : undefined;
  } catch {
    return undefined;
  }
}

/** A handler's message: its pattern and the context its span continues. */
function messageOf(
  executionContext: ExecutionContext,
  active: Context,
): { pattern: string | undefined; parent: Context } {
  if (executionContext.getType() === 'ws') {
    // A gateway message continues the context its client sent when it connected.
    const ws = executionContext.switchToWs();
    return { pattern: patternOf(ws), parent: connectionContext(ws.getClient()) };
  }
  const rpcContext: unknown = executionContext.switchToRpc().getContext();
  return { pattern: patternOf(rpcContext), parent: messageParentContext(rpcContext, active) };
}

/**
 * Opens the handler span of a microservice handler (`Controller.method`, a child of the context the message
 * carried, with `nestjs.pattern`) or of a WebSocket gateway handler (`Gateway.method`, a child of the
 * context the client sent when it connected). The span covers interceptors after this one, pipes, the
 * handler and the whole of its result, Observables included. `TracingModule` puts it on each
 * `@MessagePattern`, `@EventPattern` and `@SubscribeMessage` handler; HTTP routes get their handler span
 * without an interceptor, and this one lets them through untouched.
 */
@Injectable()
export class HandlerSpanInterceptor implements NestInterceptor {
  constructor(@Inject(TRACING_SETTINGS) private readonly settings: TracingSettings) {}

  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    const active = context.active();
    if (
      !this.settings.handlerSpans ||
      (executionContext.getType() !== 'rpc' && executionContext.getType() !== 'ws') ||
      active.getValue(HANDLER_SPAN_KEY) !== undefined
    ) {
      return next.handle();
    }
    const handler = executionContext.getHandler();
    const isEvent = Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler) === EVENT_HANDLER;
    const { pattern, parent } = messageOf(executionContext, active);
    const spec = tracedSpec(handler);
    const name = spec?.name ?? `${executionContext.getClass().name}.${handler.name}`;
    const attributes: Attributes = { ...spec?.options.attributes };
    if (pattern !== undefined) attributes['nestjs.pattern'] = pattern;
    const options = {
      kind: spec?.options.kind ?? (isEvent ? SpanKind.CONSUMER : SpanKind.SERVER),
      attributes,
    };
    const span = tracer.startSpan(name, options, parent);
    // Without an SDK there is nothing to record and no context to carry.
    if (isNoopSpan(span)) return next.handle();
    const withSpan = trace.setSpan(parent, span);
    let chainContext = withSpan.setValue(HANDLER_SPAN_KEY, true);
    const original = tracedOriginal(handler);
    if (original !== undefined) chainContext = chainContext.setValue(ADOPTED_METHOD_KEY, original);
    // next.handle() binds the rest of the chain to the context it is called in.
    const result = context.with(chainContext, () => next.handle());
    return traceObservable(result, span, withSpan, { name, options, onResult: spec?.onResult }, parent);
  }
}
