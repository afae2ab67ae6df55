import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TracingModuleOptions } from './tracing-options.interface.js';

/** Extras accepted by `forRoot` / `forRootAsync` besides the options. */
export interface TracingModuleExtras {
  /** Register the module globally. Default: true. */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: TracingConfigurableModule,
  MODULE_OPTIONS_TOKEN: TRACING_MODULE_OPTIONS,
  OPTIONS_TYPE: TRACING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TRACING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TracingModuleOptions>({ moduleName: 'Tracing' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTracingOptions')
  .setExtras<TracingModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
