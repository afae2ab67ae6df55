import type { ExpectedErrorPredicate } from './error-rules.js';

/** Options of `TracingModule.forRoot` / `forRootAsync`. */
export interface TracingModuleOptions {
  /**
   * Start a `Controller.method` span for every HTTP route and microservice handler, and name the HTTP
   * server span after the route template. Default: true.
   */
  handlerSpans?: boolean;
  /**
   * Decides which errors are expected outcomes: recorded as an `exception` event with
   * `spanwise.error.expected`, the span status left unset. Default: an HttpException below 500, an
   * RpcException or a WsException.
   */
  isExpectedError?: ExpectedErrorPredicate;
  /**
   * Add `trace_id`, `span_id` and `trace_flags` to the records Nest's own `ConsoleLogger` writes inside a
   * span (JSON mode: fields; text mode: at the end of the line). pino and winston are correlated by
   * `@spanwise/core` instead. Default: true.
   */
  logCorrelation?: boolean;
}

/** The validated options with their defaults applied. */
export interface TracingSettings {
  readonly handlerSpans: boolean;
  readonly isExpectedError: ExpectedErrorPredicate | undefined;
  readonly logCorrelation: boolean;
}

/** Implemented by a class given to `TracingModule.forRootAsync({ useClass })`. */
export interface TracingOptionsFactory {
  createTracingOptions(): TracingModuleOptions | Promise<TracingModuleOptions>;
}
