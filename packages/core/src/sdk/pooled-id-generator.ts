import type { IdGenerator } from '@opentelemetry/sdk-trace';

/** Random bytes drawn from the OS at a time. */
const POOL_BYTES = 64 * 1024;
/** Bytes turned into hex at a time: one string serves 16 span ids or 8 trace ids. */
const CHUNK_BYTES = 256;
const NO_BYTES = new Uint8Array(0);

/** Fills a buffer with random bytes: `crypto.randomFillSync` unless a test supplies its own. */
export type RandomFill = (buffer: Buffer) => void;

/**
 * Trace and span ids cut from a hex string of random bytes instead of formatted one at a time. The SDK's
 * `RandomIdGenerator` writes `Math.random()` into a buffer and makes one native `toString('hex')` call per
 * id; here one call serves 8 to 16 ids and the bytes come from the OS's CSPRNG, 64 KiB at a time. An id is
 * a slice of a 512-character string, so a span that outlives the others of its chunk keeps at most that
 * string alive. An all-zero id, which W3C Trace Context forbids, is skipped.
 */
export class PooledIdGenerator implements IdGenerator {
  /**
   * The bytes of the id generated last: `lastBytes[lastAt, lastAt + length / 2)`. Each chunk's bytes are a
   * copy of their own that nothing writes again, so a span may keep them for the encoder, which then copies
   * bytes instead of decoding hex (per character, the costliest part of encoding a span).
   */
  lastBytes: Uint8Array = NO_BYTES;
  lastAt = 0;
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private poolAt = POOL_BYTES;
  private hex = '';
  private hexAt = 0;
  private chunk: Uint8Array = NO_BYTES;
  private readonly fill: RandomFill;

  constructor(fill?: RandomFill) {
    // Required here: the generator is built with the SDK, on the first span, not at start-up.
    this.fill = fill ?? (require('node:crypto') as typeof import('node:crypto')).randomFillSync;
  }

  generateTraceId(): string {
    let id = this.take(32);
    while (this.lastIsZero(16)) id = this.take(32);
    return id;
  }

  generateSpanId(): string {
    let id = this.take(16);
    while (this.lastIsZero(8)) id = this.take(16);
    return id;
  }

  /**
   * Whether the id taken last is all zeros, read from its bytes: nearly always settled by the first byte,
   * where comparing the id (a slice of the chunk's string) with a string of zeros went through V8's slow
   * path for sliced strings, about 300 instructions per id (`bench/engine/request-instructions.mjs`).
   */
  private lastIsZero(bytes: number): boolean {
    const chunk = this.lastBytes;
    for (let i = this.lastAt, end = this.lastAt + bytes; i < end; i++) if (chunk[i] !== 0) return false;
    return true;
  }

  private take(chars: number): string {
    if (this.hexAt + chars > this.hex.length) {
      if (this.poolAt === POOL_BYTES) {
        this.fill(this.pool);
        this.poolAt = 0;
      }
      this.hex = this.pool.toString('hex', this.poolAt, this.poolAt + CHUNK_BYTES);
      this.chunk = Uint8Array.prototype.slice.call(this.pool, this.poolAt, this.poolAt + CHUNK_BYTES);
      this.poolAt += CHUNK_BYTES;
      this.hexAt = 0;
    }
    const id = this.hex.slice(this.hexAt, this.hexAt + chars);
    this.lastBytes = this.chunk;
    this.lastAt = this.hexAt >>> 1;
    this.hexAt += chars;
    return id;
  }
}
