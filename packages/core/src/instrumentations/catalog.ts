import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { HttpConfig } from '../config/http-config.js';
import { FastifyHandlerInstrumentation } from './fastify-handler-instrumentation.js';
import { HttpServerInstrumentation } from './http-server/http-server-instrumentation.js';
import type { UrlRedactor } from './url-redactor.js';

/** What the resolved configuration gives an instrumentation when it is built. */
export interface InstrumentationSettings {
  /** Redacts `url.query` and `url.full`: the configured query parameters, and a URL's user and password. */
  redactor: UrlRedactor;
  /** Ignored requests, captured headers and hooks. */
  http: HttpConfig;
}

/** One instrumentation Spanwise can enable, and what it instruments. */
export interface CatalogEntry {
  /** Short name used by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`. */
  name: string;
  /** Modules it patches: the ESM loader must intercept them, and they must not be loaded before it. */
  modules: readonly string[];
  /** Node built-ins are always present, so they skip the installed check and the load-order check. */
  builtin?: boolean;
  /**
   * It listens on the library's diagnostics channels and patches nothing: load order does not matter, and the
   * ES module loader need not intercept its modules.
   */
  channels?: boolean;
  /** Whether it is on when the user names nothing. */
  defaultOn: boolean;
  /**
   * Packages whose loading of the module leaves the instrumentation off: when one of them is the first to
   * load it, the instrumentation is never enabled (nor its modules wrapped), so it costs nothing.
   */
  notFrom?: readonly string[];
  /** Requires the instrumentation packages (only now: loading them all costs start-up time) and builds them. */
  create(settings: InstrumentationSettings): Instrumentation | Instrumentation[];
}

// Curated defaults keep the signal and cut the overhead: request-handler spans but no per-middleware spans,
// no trivial GraphQL resolver spans, and no fs/dns/net spans at all.
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'http',
    modules: ['http', 'https'],
    builtin: true,
    defaultOn: true,
    // Server spans are Spanwise's own (see http-server-instrumentation.ts); client spans are OpenTelemetry's.
    // Its `redactedQueryParams` matches names exactly; the tracer provider every instrumentation gets
    // (redacting-tracer-provider.ts) then catches any other spelling, so the one list applies either way.
    create: ({ redactor, http }) => [
      new HttpServerInstrumentation(http, redactor),
      new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)({
        disableIncomingRequestInstrumentation: true,
        redactedQueryParams: [...redactor.list],
        ...http.client?.http,
      }),
    ],
  },
  {
    name: 'undici',
    // It listens on diagnostics channels (global fetch and the undici package), so nothing is intercepted.
    modules: [],
    builtin: true,
    defaultOn: true,
    create: (settings) =>
      new (require('@opentelemetry/instrumentation-undici').UndiciInstrumentation)(
        settings.http.client?.undici,
      ),
  },
  {
    name: 'express',
    modules: ['express'],
    defaultOn: true,
    // A NestJS app gets Nest's own handler span (`Controller.method`, which also names the server span), as
    // on Fastify, where Nest's routes publish no handler events: Express's `request handler` span would only
    // repeat it, for 7-10 µs of patched layers per request, even unsampled (`pnpm bench http` profiles).
    notFrom: ['@nestjs/platform-express'],
    create: () =>
      new (require('@opentelemetry/instrumentation-express').ExpressInstrumentation)({
        ignoreLayersType: ['middleware', 'router'],
      }),
  },
  {
    name: 'fastify',
    modules: ['fastify'],
    channels: true,
    defaultOn: true,
    create: () => new FastifyHandlerInstrumentation(),
  },
  {
    name: 'pg',
    modules: ['pg'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-pg').PgInstrumentation)(),
  },
  {
    name: 'mysql2',
    modules: ['mysql2'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-mysql2').MySQL2Instrumentation)(),
  },
  {
    name: 'ioredis',
    modules: ['ioredis'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-ioredis').IORedisInstrumentation)(),
  },
  {
    name: 'redis',
    modules: ['redis', '@redis/client'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-redis').RedisInstrumentation)(),
  },
  {
    name: 'mongodb',
    modules: ['mongodb'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-mongodb').MongoDBInstrumentation)(),
  },
  {
    name: 'amqplib',
    modules: ['amqplib'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-amqplib').AmqplibInstrumentation)(),
  },
  {
    name: 'graphql',
    modules: ['graphql'],
    defaultOn: true,
    create: () =>
      new (require('@opentelemetry/instrumentation-graphql').GraphQLInstrumentation)({
        ignoreTrivialResolveSpans: true,
        mergeItems: true,
      }),
  },
  {
    name: 'pino',
    modules: ['pino'],
    defaultOn: true,
    // Log correlation only: records get trace_id, span_id and trace_flags. Log sending (a second stream per
    // logger, shipping every line to an OpenTelemetry logs pipeline Spanwise does not run) stays off.
    create: () =>
      new (require('@opentelemetry/instrumentation-pino').PinoInstrumentation)({ disableLogSending: true }),
  },
  {
    name: 'winston',
    modules: ['winston'],
    defaultOn: true,
    // Log correlation only; log sending would look for @opentelemetry/winston-transport and warn without it.
    create: () =>
      new (require('@opentelemetry/instrumentation-winston').WinstonInstrumentation)({
        disableLogSending: true,
      }),
  },
  {
    name: 'grpc',
    modules: ['@grpc/grpc-js'],
    defaultOn: true,
    create: () => new (require('@opentelemetry/instrumentation-grpc').GrpcInstrumentation)(),
  },
];
