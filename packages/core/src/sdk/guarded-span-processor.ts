import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { logger } from '../logger.js';

/** Whether `value` has the four methods of a `SpanProcessor`. */
export function isSpanProcessor(value: unknown): value is SpanProcessor {
  if (typeof value !== 'object' || value === null) return false;
  const processor = value as Record<string, unknown>;
  return ['onStart', 'onEnd', 'forceFlush', 'shutdown'].every((key) => typeof processor[key] === 'function');
}

/**
 * A user's span processor (`TracingOptions.spanProcessors`), kept from hurting the app or the export
 * pipeline: a throw from `onStart`/`onEnd` is reported once and swallowed, so the spans still reach the
 * exporter and its accounting; `forceFlush` and `shutdown` never reject and give up after `deadlineMs`, so
 * a processor that hangs cannot hold the process past the shutdown deadline.
 */
export class GuardedSpanProcessor implements SpanProcessor {
  private reported = false;

  constructor(
    private readonly processor: SpanProcessor,
    private readonly deadlineMs: number,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    try {
      this.processor.onStart(span, parentContext);
    } catch (error) {
      this.report('onStart', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      this.processor.onEnd(span);
    } catch (error) {
      this.report('onEnd', error);
    }
  }

  forceFlush(): Promise<void> {
    return this.bounded('forceFlush', () => this.processor.forceFlush());
  }

  shutdown(): Promise<void> {
    return this.bounded('shutdown', () => this.processor.shutdown());
  }

  private bounded(method: string, call: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn(
          `a span processor's ${method}() did not finish within ${this.deadlineMs} ms; not waiting for it.`,
        );
        resolve();
      }, this.deadlineMs);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      try {
        Promise.resolve(call()).then(done, (error: unknown) => {
          this.report(method, error);
          done();
        });
      } catch (error) {
        this.report(method, error);
        done();
      }
    });
  }

  private report(method: string, error: unknown): void {
    if (this.reported) return;
    this.reported = true;
    const name = this.processor.constructor?.name ?? 'a span processor';
    logger.warn(
      `span processor ${name} threw from ${method}() (${String(error)}); the span is exported all the same. ` +
        'Further errors from this processor are not reported.',
    );
  }
}
