import { type Tracer, trace } from '@opentelemetry/api';

const SCOPE_NAME = '@spanwise/amqplib';
const SCOPE_VERSION = '0.1.0';

/** The package's tracer. `trace.getTracer` returns a proxy, so a provider registered later is still used. */
export const tracer: Tracer = trace.getTracer(SCOPE_NAME, SCOPE_VERSION);
