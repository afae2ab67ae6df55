import 'reflect-metadata';

export type { AutoTraceInstrument, AutoTraceOptions, AutoTraceRule } from './auto-trace.instrument.js';
export { autoTrace } from './auto-trace.instrument.js';
export type { ExpectedErrorPredicate } from './error-rules.js';
export { isExpectedNestError } from './error-rules.js';
export { HandlerSpanInterceptor } from './handler-span.interceptor.js';
export type { DispatchedPacket, DispatchHookClient } from './packet-context.js';
export { propagateContext } from './packet-context.js';
export type { ResultHook } from './span-completion.js';
export { TraceService } from './trace.service.js';
export { NoTrace, Traced } from './traced.decorator.js';
export type { TracedOptions } from './traced-spec.js';
export { ATTR_CANCELLED, ATTR_EXPECTED_ERROR } from './tracing.constants.js';
export { TracingModule } from './tracing.module.js';
export type { TracingModuleExtras } from './tracing.module-definition.js';
export { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';
export type { TracingModuleOptions, TracingOptionsFactory } from './tracing-options.interface.js';
