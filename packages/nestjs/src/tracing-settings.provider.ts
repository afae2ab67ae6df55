import { Logger, type Provider } from '@nestjs/common';
import { correlateConsoleLogger } from './console-logger.correlation.js';
import { setExpectedErrorPredicate } from './error-rules.js';
import { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { validateTracingOptions } from './tracing-options.validator.js';

/** Injection token of the validated {@link TracingSettings}. */
export const TRACING_SETTINGS = Symbol.for('spanwise.nestjs.tracing-settings');

const logger = new Logger('TracingModule');

/**
 * Validates the module options at startup, installs the error rules `@Traced` reads on its hot path, and
 * correlates Nest's `ConsoleLogger` records with the active span. A bad value is logged through Nest's logger
 * and replaced by its default: tracing never stops an app from booting.
 */
export const tracingSettingsProvider: Provider = {
  provide: TRACING_SETTINGS,
  inject: [TRACING_MODULE_OPTIONS],
  useFactory: (options: unknown): TracingSettings => {
    const settings = validateTracingOptions(options, (message) => logger.warn(message));
    setExpectedErrorPredicate(settings.isExpectedError);
    if (settings.logCorrelation) correlateConsoleLogger();
    return settings;
  },
};
