import { type DynamicModule, Module } from '@nestjs/common';
import { HandlerSpanInstaller } from './handler-span.installer.js';
import { HandlerSpanInterceptor } from './handler-span.interceptor.js';
import { TraceService } from './trace.service.js';
import { type TRACING_OPTIONS_TYPE, TracingConfigurableModule } from './tracing.module-definition.js';
import { tracingSettingsProvider } from './tracing-settings.provider.js';

/**
 * Spanwise for NestJS: `TraceService`, the handler span of every route and microservice handler, and the
 * HTTP server span named after its route. Import it once with `TracingModule.forRoot()` or
 * `TracingModule.forRootAsync({ useFactory, inject, imports })`; it is global unless `isGlobal: false`.
 *
 * It never starts an SDK: spans go to whatever `@spanwise/core/register` (or any OpenTelemetry SDK) set up,
 * and without one every API is a cheap no-op.
 */
@Module({
  providers: [tracingSettingsProvider, TraceService, HandlerSpanInterceptor, HandlerSpanInstaller],
  exports: [TraceService],
})
export class TracingModule extends TracingConfigurableModule {
  /** Registers the module with `options` (all optional) and `isGlobal` (default true). */
  static override forRoot(options: typeof TRACING_OPTIONS_TYPE = {}): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: the builder's forRoot uses `this` as the module, so it must be TracingModule
    return super.forRoot(options);
  }
}
