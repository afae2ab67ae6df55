import { type Context, context, type Span } from '@opentelemetry/api';
import { endCancelled, endWithError, type ResultHook, reportResult } from './span-completion.js';

type Step = (value?: unknown) => Promise<IteratorResult<unknown>>;

/**
 * Wraps an async iterator (an async generator, typically) so its span ends when iteration finishes, fails
 * or is abandoned (`return()`, as `break` in `for await` does). Each step runs with the span active, so
 * work the generator does between yields becomes its children.
 */
export class TracedAsyncIterator implements AsyncIterableIterator<unknown> {
  #open = true;

  constructor(
    private readonly inner: AsyncIterator<unknown>,
    private readonly span: Span,
    private readonly spanContext: Context,
    private readonly onResult: ResultHook | undefined,
  ) {}

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    return this.step(this.inner.next as Step, value);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    if (this.#open) {
      this.#open = false;
      endCancelled(this.span);
    }
    const inner = this.inner.return;
    if (inner === undefined) return Promise.resolve({ done: true, value });
    return context.with(this.spanContext, inner as Step, this.inner, value);
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    const inner = this.inner.throw;
    if (inner === undefined) {
      this.close(error);
      return Promise.reject(error);
    }
    return this.step(inner as Step, error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private step(method: Step, value: unknown): Promise<IteratorResult<unknown>> {
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = context.with(this.spanContext, method, this.inner, value);
    } catch (error) {
      this.close(error);
      throw error;
    }
    return pending.then(
      (result) => {
        if (result.done === true) this.close(undefined);
        else if (this.#open) reportResult(this.span, result.value, this.onResult);
        return result;
      },
      (error: unknown) => {
        this.close(error);
        throw error;
      },
    );
  }

  private close(error: unknown): void {
    if (!this.#open) return;
    this.#open = false;
    if (error === undefined) this.span.end();
    else endWithError(this.span, error);
  }
}
