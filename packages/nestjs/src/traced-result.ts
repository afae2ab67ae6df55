import type { Context, Span } from '@opentelemetry/api';
import type { Subscribable } from 'rxjs';
import { endWithError, endWithResult, type ResultHook } from './span-completion.js';
import { TracedAsyncIterator } from './traced-async-iterator.js';
import { type SpanRecipe, traceObservable } from './traced-observable.js';
import { endWhenStreamFinishes, streamOf } from './traced-stream.js';

type Then = (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => unknown;

/**
 * A foreign thenable (a query builder, say) may start its work only when `then` is called and may carry
 * methods of its own, so it is returned as it is, with its own `then` observed instead of converted.
 */
function observeThenable(thenable: { then: Then }, span: Span, onResult: ResultHook | undefined): unknown {
  const original = thenable.then;
  let open = true;
  const observed: Then = function (this: unknown, onFulfilled, onRejected) {
    return original.call(
      this,
      (value: unknown) => {
        if (open) {
          open = false;
          endWithResult(span, value, onResult);
        }
        return onFulfilled === undefined ? value : onFulfilled(value);
      },
      (reason: unknown) => {
        if (open) {
          open = false;
          endWithError(span, reason);
        }
        if (onRejected === undefined) throw reason;
        return onRejected(reason);
      },
    );
  };
  try {
    Object.defineProperty(thenable, 'then', { value: observed, configurable: true, writable: true });
  } catch {
    // A frozen thenable cannot be observed without running it; its span covers the call only.
    span.end();
  }
  return thenable;
}

/**
 * Ends `span` when the work behind `result` is done: at once for a plain value; when a promise or thenable
 * settles; per subscription for an Observable; when an async iterator or a stream finishes. Returns what the
 * caller must receive instead of `result` (the same object, or a wrapper of the same kind).
 */
export function settle(
  span: Span,
  spanContext: Context,
  parent: Context,
  result: unknown,
  spec: SpanRecipe,
): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    endWithResult(span, result, spec.onResult);
    return result;
  }
  if (result instanceof Promise) {
    // Returning the derived promise keeps an unhandled rejection unhandled for the caller.
    return result.then(
      (value: unknown) => {
        endWithResult(span, value, spec.onResult);
        return value;
      },
      (error: unknown) => {
        endWithError(span, error);
        throw error;
      },
    );
  }
  const candidate = result as Record<PropertyKey, unknown>;
  if (typeof candidate.then === 'function') {
    return observeThenable(result as { then: Then }, span, spec.onResult);
  }
  if (typeof candidate.subscribe === 'function' && typeof candidate.lift === 'function') {
    return traceObservable(result as Subscribable<unknown>, span, spanContext, spec, parent);
  }
  if (typeof candidate.next === 'function' && typeof candidate[Symbol.asyncIterator] === 'function') {
    return new TracedAsyncIterator(result as AsyncIterator<unknown>, span, spanContext, spec.onResult);
  }
  const stream = streamOf(result);
  if (stream !== undefined) {
    endWhenStreamFinishes(stream, span);
    return result;
  }
  endWithResult(span, result, spec.onResult);
  return result;
}
