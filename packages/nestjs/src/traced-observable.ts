import { type Context, context, type Span, type SpanOptions, trace } from '@opentelemetry/api';
import { Observable, type Observer, type Subscribable, type Subscriber, type Unsubscribable } from 'rxjs';
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
 * One subscription's span: the observer handed to the source and the teardown handed back to rxjs, in one
 * object, so a subscription allocates no closures.
 */
class SpanObserver implements Observer<unknown>, Unsubscribable {
  #finished = false;
  #stream: NodeJS.ReadableStream | undefined;
  subscription: Unsubscribable | undefined;

  constructor(
    private readonly span: Span,
    private readonly subscriber: Subscriber<unknown>,
    private readonly onResult: ResultHook | undefined,
  ) {}

  next(value: unknown): void {
    this.#stream = streamOf(value);
    reportResult(this.span, value, this.onResult);
    this.subscriber.next(value);
  }

  error(error: unknown): void {
    this.#finished = true;
    endWithError(this.span, error);
    this.subscriber.error(error);
  }

  complete(): void {
    this.#finished = true;
    // A StreamableFile or stream is sent after the handler completes: the span lasts until it is read.
    if (this.#stream === undefined) this.span.end();
    else endWhenStreamFinishes(this.#stream, this.span);
    this.subscriber.complete();
  }

  unsubscribe(): void {
    if (!this.#finished) {
      this.#finished = true;
      endCancelled(this.span);
    }
    this.subscription?.unsubscribe();
  }
}

/**
 * Wraps an Observable so each subscription is one span, from subscribe to complete, error or unsubscribe.
 * The span started by the method call (active in `firstContext`) is taken by the first subscription (a Nest
 * handler's result is subscribed right away), so a call that returns an Observable never yields an extra
 * empty span.
 */
export function traceObservable(
  source: Subscribable<unknown>,
  firstSpan: Span,
  firstContext: Context,
  spec: SpanRecipe,
  parent: Context,
): Observable<unknown> {
  let pending: Span | undefined = firstSpan;
  return new Observable<unknown>((subscriber) => {
    let span = pending;
    let spanContext = firstContext;
    pending = undefined;
    if (span === undefined) {
      span = tracer.startSpan(spec.name, spec.options, parent);
      spanContext = trace.setSpan(parent, span);
    }
    const observer = new SpanObserver(span, subscriber, spec.onResult);
    observer.subscription = context.with(spanContext, source.subscribe, source, observer);
    return observer;
  });
}
