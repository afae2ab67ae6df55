import { type Context, propagation, type TextMapGetter, trace } from '@opentelemetry/api';
import { type HeaderCarrier, headersGetter } from '@spanwise/headers';

interface GetterCarrier {
  get(key: string): unknown;
  keys?(): Iterable<string>;
}

/** Reads NATS `MsgHdrs` and gRPC `Metadata`, which expose their entries through `get`. */
const methodGetter: TextMapGetter<GetterCarrier> = {
  keys(carrier) {
    try {
      return carrier.keys === undefined ? [] : [...carrier.keys()];
    } catch {
      return [];
    }
  },
  get(carrier, key) {
    try {
      const value = carrier.get(key);
      const first: unknown = Array.isArray(value) ? value[0] : value;
      return typeof first === 'string' ? first : undefined;
    } catch {
      return undefined;
    }
  },
};

function call(target: object, method: string): unknown {
  const fn = (target as Record<string, unknown>)[method];
  if (typeof fn !== 'function') return undefined;
  try {
    return (fn as () => unknown).call(target);
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/**
 * Finds the headers a message brought, whatever the transport: RMQ `properties.headers`, Kafka message
 * headers, TCP and Redis packet metadata (NestJS 12), NATS headers, MQTT 5 user properties, gRPC metadata.
 */
function extractFrom(rpcContext: unknown, base: Context): Context | undefined {
  const ctx = asObject(rpcContext);
  if (ctx === undefined) return undefined;
  const message = asObject(call(ctx, 'getMessage'));
  const rmqHeaders = asObject(asObject(message?.properties)?.headers);
  if (rmqHeaders !== undefined) return propagation.extract(base, rmqHeaders, headersGetter);
  const kafkaHeaders = asObject(message?.headers);
  if (kafkaHeaders !== undefined) return propagation.extract(base, kafkaHeaders, headersGetter);
  const metadata = asObject(call(ctx, 'getMetadata'));
  if (metadata !== undefined) return propagation.extract(base, metadata as HeaderCarrier, headersGetter);
  const natsHeaders = asObject(call(ctx, 'getHeaders'));
  if (natsHeaders !== undefined && typeof natsHeaders.get === 'function') {
    return propagation.extract(base, natsHeaders as unknown as GetterCarrier, methodGetter);
  }
  const mqttProperties = asObject(asObject(asObject(call(ctx, 'getPacket'))?.properties)?.userProperties);
  if (mqttProperties !== undefined) return propagation.extract(base, mqttProperties, headersGetter);
  if (typeof ctx.get === 'function' && typeof ctx.getMap === 'function') {
    return propagation.extract(base, ctx as unknown as GetterCarrier, methodGetter);
  }
  return undefined;
}

/**
 * The parent of a microservice handler's span: the context that came with the message. When an
 * instrumentation already made a span for this message in the same trace (the amqplib CONSUMER span), that
 * span is active and stays the parent.
 */
export function messageParentContext(rpcContext: unknown, active: Context): Context {
  const extracted = extractFrom(rpcContext, active);
  if (extracted === undefined) return active;
  const remote = trace.getSpanContext(extracted);
  const local = trace.getSpanContext(active);
  if (remote === undefined || (local !== undefined && local.traceId === remote.traceId)) return active;
  return extracted;
}
