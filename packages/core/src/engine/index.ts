export { LeanTracerProvider, type LeanTracerProviderOptions } from './lean-tracer-provider.js';
