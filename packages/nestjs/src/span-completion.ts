import type { Span } from '@opentelemetry/api';
import { recordError } from './error-rules.js';
import { ATTR_CANCELLED } from './tracing.constants.js';

/** Called with each value the traced work produces; see `TracedOptions.onResult`. */
export type ResultHook = (span: Span, value: unknown) => void;

/** Runs the user's result hook; a throwing hook must never break the traced call. */
export function reportResult(span: Span, value: unknown, onResult: ResultHook | undefined): void {
  if (onResult === undefined) return;
  try {
    onResult(span, value);
  } catch {
    // The hook only decorates the span; its failure is not the application's.
  }
}

/** Ends `span` after a successful result. */
export function endWithResult(span: Span, value: unknown, onResult: ResultHook | undefined): void {
  reportResult(span, value, onResult);
  span.end();
}

/** Ends `span` after a failure. */
export function endWithError(span: Span, error: unknown): void {
  recordError(span, error);
  span.end();
}

/** Ends `span` for work its consumer abandoned before it finished. */
export function endCancelled(span: Span): void {
  span.setAttribute(ATTR_CANCELLED, true);
  span.end();
}
