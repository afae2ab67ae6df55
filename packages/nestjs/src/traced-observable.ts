import { type Context, context, type Span, type SpanOptions, trace } from '@opentelemetry/api';
import { Observable, type Subscribable } from 'rxjs';
import { endCancelled, endWithError, type ResultHook, reportResult } from './span-completion.js';
import { endWhenStreamFinishes, streamOf } from './traced-stream.js';
import { tracer } from './tracer.js';

/** How to start (and report into) the span of a traced call: a `@Traced` spec satisfies it as it is. */
export interface SpanRecipe {
  readonly name: string;
  readonly options: SpanOptions;
  readonly onResult: ResultHook | undefined;
}

/**
 * Wraps an Observable so each subscription is one span, from subscribe to complete, error or unsubscribe.
 * The span started by the method call is taken by the first subscription (a Nest handler's result is
 * subscribed right away), so a call that returns an Observable never yields an extra empty span.
 */
export function traceObservable(
  source: Subscribable<unknown>,
  firstSpan: Span,
  spec: SpanRecipe,
  parent: Context,
): Observable<unknown> {
  let pending: Span | undefined = firstSpan;
  return new Observable<unknown>((subscriber) => {
    const span = pending ?? tracer.startSpan(spec.name, spec.options, parent);
    pending = undefined;
    let finished = false;
    let stream: NodeJS.ReadableStream | undefined;
    const subscription = context.with(trace.setSpan(parent, span), () =>
      source.subscribe({
        next(value) {
          stream = streamOf(value);
          reportResult(span, value, spec.onResult);
          subscriber.next(value);
        },
        error(error: unknown) {
          finished = true;
          endWithError(span, error);
          subscriber.error(error);
        },
        complete() {
          finished = true;
          // A StreamableFile or stream is sent after the handler completes: the span lasts until it is read.
          if (stream === undefined) span.end();
          else endWhenStreamFinishes(stream, span);
          subscriber.complete();
        },
      }),
    );
    return () => {
      if (!finished) {
        finished = true;
        endCancelled(span);
      }
      subscription.unsubscribe();
    };
  });
}
