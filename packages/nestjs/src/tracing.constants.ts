import { createContextKey } from '@opentelemetry/api';

/** Instrumentation scope of every span this package starts. */
export const TRACER_NAME = '@spanwise/nestjs';

/** Set on a span whose Observable, async iterator or stream was abandoned before it finished. */
export const ATTR_CANCELLED = 'spanwise.cancelled';

/** Set on a span that ended with an expected error (a 4xx HttpException, an RpcException, ...). */
export const ATTR_EXPECTED_ERROR = 'spanwise.error.expected';

/** Marks a wrapper made by `@Traced`; the value is the {@link TracedSpec} it runs. */
export const TRACED_SPEC = Symbol.for('spanwise.nestjs.traced-spec');

/** Marks a wrapper made by `@Traced`; the value is the undecorated method. */
export const TRACED_ORIGINAL = Symbol.for('spanwise.nestjs.traced-original');

/** Marks a controller route method that opens its route's handler span (see `createRouteSpanMethod`). */
export const ROUTE_HANDLER_SPAN = Symbol.for('spanwise.nestjs.route-handler-span');

/** reflect-metadata key set by `@NoTrace()`. */
export const NO_TRACE = Symbol.for('spanwise.nestjs.no-trace');

/**
 * Context key holding the undecorated method whose span the microservice handler interceptor already
 * started, so the `@Traced` wrapper of a pattern handler does not start a second one.
 */
export const ADOPTED_METHOD_KEY = createContextKey('spanwise.nestjs.adopted-method');

/** Context key present once a microservice handler span exists for the current message. */
export const HANDLER_SPAN_KEY = createContextKey('spanwise.nestjs.handler-span');

/**
 * The key under which the OpenTelemetry SDK's HTTP instrumentation keeps its RPC metadata (server span and
 * route). `createContextKey` uses `Symbol.for`, so the same description yields the same key without a
 * dependency on `@opentelemetry/core`.
 */
export const RPC_METADATA_KEY = createContextKey('OpenTelemetry SDK Context Key RPC_METADATA');

/** Lifecycle hooks never get a span from a class-level `@Traced` or from autoTrace. */
export const LIFECYCLE_HOOKS: ReadonlySet<string> = new Set([
  'constructor',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);
