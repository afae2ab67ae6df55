import { context, propagation } from '@opentelemetry/api';

/** An outgoing Nest microservice packet, as `ClientProxy#setOnDispatchHook` hands it over. */
export interface DispatchedPacket {
  metadata?: Record<string, string>;
}

/** A client with NestJS 12's `ClientProxy#setOnDispatchHook` (TCP and Redis carry the packet metadata). */
export interface DispatchHookClient {
  setOnDispatchHook?(hook: (packet: DispatchedPacket) => void): void;
}

/**
 * Makes a Nest `ClientProxy` carry the active trace context in each packet's metadata, where the handler span
 * of `TracingModule` finds it (TCP and Redis transports on NestJS 12). RabbitMQ clients carry it in message
 * headers instead (see `@spanwise/amqplib`). Returns false when the client has no dispatch hook (NestJS 11),
 * in which case nothing is changed.
 */
export function propagateContext(client: DispatchHookClient | object): boolean {
  // Typed `| object` so a NestJS 11 client, which has no dispatch hook at all, still compiles (no TS2559).
  const hooked = client as DispatchHookClient;
  if (typeof hooked.setOnDispatchHook !== 'function') return false;
  hooked.setOnDispatchHook((packet) => {
    const metadata: Record<string, string> = { ...packet.metadata };
    propagation.inject(context.active(), metadata);
    if (Object.keys(metadata).length > 0) packet.metadata = metadata;
  });
  return true;
}
