import type { IdGenerator } from '@opentelemetry/sdk-trace';

/** An id generator that tells where the bytes of the id it generated last are (`PooledIdGenerator`). */
export interface IdBytesSource {
  readonly lastBytes: Uint8Array;
  readonly lastAt: number;
}

/**
 * The raw bytes of a lean span's ids, beside their hex in its span context: the trace id at
 * `traceIdBytes[traceIdAt, +16)`, its span id at `spanIdBytes[spanIdAt, +8)`, its parent's span id at
 * `parentIdBytes[parentIdAt, +8)`. Undefined where the id did not come from the engine's generator (a remote
 * parent, a custom id generator): the encoder then decodes the hex.
 */
export interface SpanIdBytes {
  readonly traceIdBytes: Uint8Array | undefined;
  readonly traceIdAt: number;
  readonly spanIdBytes: Uint8Array | undefined;
  readonly spanIdAt: number;
  readonly parentIdBytes: Uint8Array | undefined;
  readonly parentIdAt: number;
}

/** The generator's `IdBytesSource`, when it is one. */
export function idBytesSource(generator: IdGenerator): IdBytesSource | undefined {
  const source = generator as Partial<IdBytesSource>;
  return source.lastBytes instanceof Uint8Array && typeof source.lastAt === 'number'
    ? (source as IdBytesSource)
    : undefined;
}
