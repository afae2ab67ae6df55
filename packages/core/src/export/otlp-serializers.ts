import type { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/** The OTLP trace serializers of `@opentelemetry/otlp-transformer`. */
export interface OtlpSerializers {
  JsonTraceSerializer: typeof JsonTraceSerializer;
  ProtobufTraceSerializer: typeof ProtobufTraceSerializer;
}

let loaded: OtlpSerializers | undefined;

/**
 * The serializers, required on first use rather than at start-up: the package's only entry point also loads
 * its metrics and logs serializers and `@opentelemetry/sdk-metrics`, about a fifth of the register hook's
 * start-up time, which a process that never ends a span should not pay.
 */
export function otlpSerializers(): OtlpSerializers {
  loaded ??= require('@opentelemetry/otlp-transformer') as OtlpSerializers;
  return loaded;
}
