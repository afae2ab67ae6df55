export { LeanSpan } from './lean-span.js';
export { LeanTracer } from './lean-tracer.js';
export { LeanTracerProvider, type LeanTracerProviderOptions } from './lean-tracer-provider.js';
export { UnsampledSpan } from './unsampled-span.js';
