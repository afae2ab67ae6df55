import { type Tracer, trace } from '@opentelemetry/api';

const SCOPE_NAME = '@spanwise/amqplib';
const SCOPE_VERSION = '0.1.0';

/**
 * The package's tracer, looked up per span rather than cached: a cached proxy stays bound to the provider that
 * was global when it was created, so a provider registered again later (tests, a restarted SDK) would be missed.
 * The SDK caches tracers by name, so the lookup is a map read.
 */
export function getTracer(): Tracer {
  return trace.getTracer(SCOPE_NAME, SCOPE_VERSION);
}
