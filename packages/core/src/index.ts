// Re-exported from @spanwise/headers, the one piece @spanwise/nestjs and @spanwise/amqplib share with core.
export type { HeaderCarrier } from '@spanwise/headers';
export { headersGetter, headersSetter } from '@spanwise/headers';
export type { HttpOptions } from './http-options.js';
export { DEFAULT_REDACTED_QUERY_PARAMS } from './instrumentations/url-redactor.js';
export { getTracing, startTracing } from './start-tracing.js';
export type {
  DropPolicy,
  DroppedSpans,
  ExportConfig,
  ExportStats,
  OtlpProtocol,
  TracingHandle,
  TracingOptions,
} from './types.js';
