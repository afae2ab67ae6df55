import type { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

/** The OTLP/JSON trace serializer of `@opentelemetry/otlp-transformer`. */
export interface OtlpSerializers {
  JsonTraceSerializer: typeof JsonTraceSerializer;
}

let loaded: OtlpSerializers | undefined;

/**
 * The serializer, required only when an `http/json` pipeline is built (with the SDK, on the event loop's
 * first turn), never for `http/protobuf`: the package's only entry point also loads its metrics and logs
 * serializers and `@opentelemetry/sdk-metrics`, 50-110 ms of synchronous work, which neither start-up nor
 * a request should pay. Export responses are read without it (`otlp-response-reader.ts`).
 */
export function otlpSerializers(): OtlpSerializers {
  loaded ??= require('@opentelemetry/otlp-transformer') as OtlpSerializers;
  return loaded;
}
