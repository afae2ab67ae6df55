import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './semconv.js';

/** The `message` of an error-like value: Nest's RPC errors arrive as plain objects such as `{ status, message }`. */
function messageOf(err: unknown): string | undefined {
  if (err instanceof Error || typeof err !== 'object' || err === null) return undefined;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

/** Marks `span` as failed with `error.type` set to the error's class name (or `fallback` for non-errors). */
export function recordError(span: Span, err: unknown, fallback = '_OTHER'): void {
  const type = err instanceof Error ? err.name || err.constructor.name : fallback;
  const message =
    err instanceof Error ? err.message : typeof err === 'string' ? err : (messageOf(err) ?? fallback);
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (err instanceof Error) span.recordException(err);
  else if (message !== fallback) span.addEvent('exception', { 'exception.message': message });
}
