export type { HeaderCarrier } from './headers-getter.js';
export { headersGetter, headersSetter } from './headers-getter.js';
export { DEFAULT_REDACTED_QUERY_PARAMS } from './instrumentations/url-redactor.js';
export { getTracing, startTracing } from './start-tracing.js';
export type {
  DropPolicy,
  DroppedSpans,
  ExportConfig,
  ExportStats,
  HttpOptions,
  OtlpProtocol,
  TracingHandle,
  TracingOptions,
} from './types.js';
