import type { Attributes } from '@opentelemetry/api';

/** Why a span was dropped instead of exported. Every drop is counted under exactly one reason. */
export interface DroppedSpans {
  /** The queue was at its span or byte limit when the span ended. */
  queueFull: number;
  /** The collector rejected the batch for good (e.g. HTTP 400), or retries ran out and it no longer fit the queue. */
  exportFailed: number;
  /** Still queued or in flight when `shutdown()` reached its deadline. */
  shutdown: number;
}

/**
 * A snapshot of the export pipeline's counters.
 *
 * Invariant: spans ended and sampled = `exportedSpans` + every `droppedSpans` reason + `queuedSpans`.
 */
export interface ExportStats {
  /** Spans the collector acknowledged. */
  exportedSpans: number;
  /** Spans waiting in the queue or in the export currently in flight. */
  queuedSpans: number;
  /** Estimated encoded size of `queuedSpans`, in bytes. */
  queuedBytes: number;
  /** Export requests that failed (each retry counts once). */
  failedExports: number;
  /** Export requests that were retries of an earlier failed request. */
  retries: number;
  /** Spans dropped, by reason. */
  droppedSpans: DroppedSpans;
  /** State of the circuit breaker that stops sending while the collector is down. */
  circuit: 'closed' | 'open' | 'half-open';
  /** The most recent export error, as a one-line message. */
  lastError?: string;
}

/** The OTLP transport and encoding: `grpc` needs the optional peer dependency `@grpc/grpc-js`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Which span to give up when the queue is full. */
export type DropPolicy = 'newest' | 'oldest';

/** Configuration of the OTLP export pipeline, resolved from the environment and options. */
export interface ExportConfig {
  /**
   * Full URL spans are POSTed to, e.g. `http://localhost:4318/v1/traces`; for `grpc`, the collector's
   * address, e.g. `http://localhost:4317` (`http:` is plaintext, `https:` TLS; the path is ignored).
   */
  endpoint: string;
  protocol: OtlpProtocol;
  /** Extra request headers, e.g. an API key. */
  headers: Record<string, string>;
  /** Deadline for one whole export request (connect, send, response), in ms. */
  timeoutMs: number;
  compression: 'gzip' | 'none';
  /** PEM of a CA to trust for an https endpoint, in addition to the system's. */
  certificate?: string;
  /** Queue limit in spans. */
  maxQueueSize: number;
  /** Queue limit in estimated encoded bytes. */
  maxQueueBytes: number;
  /** Most spans in one export request. */
  maxExportBatchSize: number;
  /** Delay between two scheduled exports, in ms. */
  scheduledDelayMs: number;
  /** Which span is dropped when the queue is full. */
  dropPolicy: DropPolicy;
  /** Largest request body in bytes, before compression (default 4 MiB); a 413 response lowers it further. */
  maxRequestBytes?: number;
  /** Retries of one batch before it goes back to the queue (default 5). */
  maxRetries?: number;
  /**
   * How long one batch may keep being retried, in ms, counted from its first send (default 30000, as
   * `OTEL_BSP_EXPORT_TIMEOUT`): a retry that would start later is not made, and the batch goes back to the
   * queue for the next scheduled export.
   */
  exportTimeoutMs?: number;
  /** Backoff before the first retry in ms, doubling (with jitter) up to `maxBackoffMs` (default 1000). */
  initialBackoffMs?: number;
  /** Longest backoff between retries in ms (default 5000). */
  maxBackoffMs?: number;
  /** Consecutive failed requests that open the circuit breaker (default 5). */
  circuitThreshold?: number;
  /** Interval between probes while the circuit is open, in ms (default 5000). */
  probeIntervalMs?: number;
}

/** HTTP settings of {@link TracingOptions}. */
export interface HttpOptions {
  /**
   * Query parameters whose values read `REDACTED` in `url.query` (server spans) and `url.full` (HTTP client,
   * `fetch` and undici spans), matched case-insensitively. Replaces the default list
   * (`DEFAULT_REDACTED_QUERY_PARAMS`: common credentials such as `password`, `token`, `api_key`, and the
   * semantic conventions' signature parameters), as `SPANWISE_REDACTED_QUERY_PARAMS` does; extend it with
   * `[...DEFAULT_REDACTED_QUERY_PARAMS, 'my_key']`, turn it off with `[]`. A user and password in `url.full`
   * (`https://user:pass@host/`) always read `REDACTED:REDACTED`.
   */
  redactedQueryParams?: readonly string[];
}

/** Options for {@link startTracing}. Each one overrides the matching environment variable. */
export interface TracingOptions {
  /** `service.name`; else `OTEL_SERVICE_NAME`, else the app's package.json name. */
  serviceName?: string;
  /** `service.version`; else the app's package.json version. */
  serviceVersion?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /** Overrides for the export pipeline. */
  export?: Partial<ExportConfig>;
  /**
   * Resource detectors to run, as `OTEL_NODE_RESOURCE_DETECTORS`: `env`, `host`, `os`, `process`,
   * `serviceinstance`, and (with their packages installed) `container`, `alibaba`, `aws`, `azure`, `gcp`, or
   * `all` / `none`. None by default.
   */
  resourceDetectors?: string[];
  /** `'otlp'` (default), `'console'` or `'none'`, like `OTEL_TRACES_EXPORTER`. */
  exporter?: 'otlp' | 'console' | 'none';
  /** Sampler name as in `OTEL_TRACES_SAMPLER`, e.g. `parentbased_traceidratio`. */
  sampler?: string;
  /** Sampler argument, as in `OTEL_TRACES_SAMPLER_ARG`. */
  samplerArg?: number;
  /** Propagators as in `OTEL_PROPAGATORS`, e.g. `['tracecontext', 'baggage', 'b3']`. */
  propagators?: string[];
  /** Instrumentations to enable (short names such as `http`, `express`, `pg`); all defaults when absent. */
  enabledInstrumentations?: string[];
  /** Instrumentations to disable (short names). */
  disabledInstrumentations?: string[];
  /** Deadline for `shutdown()`, in ms (`SPANWISE_SHUTDOWN_TIMEOUT_MS`, default 5000). */
  shutdownTimeoutMs?: number;
  /** Install SIGTERM/SIGINT/beforeExit handlers (default true under the register hook, false otherwise). */
  handleSignals?: boolean;
  /** Distinct span names per tracer before the cardinality warning (`SPANWISE_MAX_SPAN_NAMES`, default 1000). */
  maxSpanNames?: number;
  /** HTTP settings: which query parameters are redacted. */
  http?: HttpOptions;
}

/** What {@link startTracing} returns: the running tracing pipeline. */
export interface TracingHandle {
  /** Exports every span queued so far. */
  forceFlush(): Promise<void>;
  /** Flushes and stops tracing within the shutdown deadline. Idempotent. */
  shutdown(): Promise<void>;
  /** A snapshot of the export pipeline's counters. */
  stats(): ExportStats;
}
