import type { Provider } from '@nestjs/common';
import { correlateConsoleLogger } from './console-logger.correlation.js';
import { setExpectedErrorPredicate } from './error-rules.js';
import { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { validateTracingOptions } from './tracing-options.validator.js';

/** Injection token of the validated {@link TracingSettings}. */
export const TRACING_SETTINGS = Symbol.for('spanwise.nestjs.tracing-settings');

/**
 * Validates the module options at startup, installs the error rules `@Traced` reads on its hot path, and
 * correlates Nest's `ConsoleLogger` records with the active span.
 */
export const tracingSettingsProvider: Provider = {
  provide: TRACING_SETTINGS,
  inject: [TRACING_MODULE_OPTIONS],
  useFactory: (options: unknown): TracingSettings => {
    const settings = validateTracingOptions(options);
    setExpectedErrorPredicate(settings.isExpectedError);
    if (settings.logCorrelation) correlateConsoleLogger();
    return settings;
  },
};
