import { trace } from '@opentelemetry/api';
import { TRACER_NAME } from './tracing.constants.js';

/**
 * The one tracer of this package. The API hands out a proxy that binds to whichever provider is registered
 * later, so looking it up once at load time is safe even before `@spanwise/core` starts the SDK.
 */
export const tracer = trace.getTracer(TRACER_NAME);
