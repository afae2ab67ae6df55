export type { HeaderCarrier } from './headers-getter.js';
export { headersGetter, headersSetter } from './headers-getter.js';
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
