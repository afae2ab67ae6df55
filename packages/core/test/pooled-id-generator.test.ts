import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../src/sdk/pooled-id-generator.js';

describe('PooledIdGenerator', () => {
  it('gives lowercase hex ids of 16 and 8 bytes, all distinct, across chunk and pool refills', () => {
    const ids = new PooledIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    // 20 000 of each is 720 KB of hex: many 256-byte chunks and ten 64 KiB refills.
    for (let i = 0; i < 20_000; i++) {
      traceIds.add(ids.generateTraceId());
      spanIds.add(ids.generateSpanId());
    }
    expect(traceIds.size).toBe(20_000);
    expect(spanIds.size).toBe(20_000);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('skips all-zero ids, which W3C Trace Context forbids', () => {
    let fills = 0;
    // The first pool is all zeros, the next random: every id must come from the second.
    const ids = new PooledIdGenerator((buffer) => {
      if (fills++ === 0) buffer.fill(0);
      else randomFillSync(buffer);
    });
    const traceId = ids.generateTraceId();
    const spanId = ids.generateSpanId();
    expect(traceId).not.toBe('0'.repeat(32));
    expect(spanId).not.toBe('0'.repeat(16));
    expect(fills).toBe(2);
  });

  it('keeps ids that are zero but for their last byte', () => {
    // Every 8th byte is 1, the rest 0: each span id ends in 01, each trace id in 01 twice.
    const ids = new PooledIdGenerator((buffer) => {
      buffer.fill(0);
      for (let i = 7; i < buffer.length; i += 8) buffer[i] = 1;
    });
    expect(ids.generateSpanId()).toBe('0000000000000001');
    expect(ids.generateTraceId()).toBe('00000000000000010000000000000001');
  });

  it('leaves the bytes of each id where it says, and never writes them again', () => {
    const ids = new PooledIdGenerator();
    const kept: { id: string; bytes: Uint8Array; at: number }[] = [];
    // Past several pool refills: bytes kept from the first chunk must still read as their id.
    for (let i = 0; i < 20_000; i++) {
      const id = i % 3 === 0 ? ids.generateTraceId() : ids.generateSpanId();
      kept.push({ id, bytes: ids.lastBytes, at: ids.lastAt });
    }
    for (const { id, bytes, at } of kept) {
      expect(Buffer.from(bytes.subarray(at, at + id.length / 2)).toString('hex')).toBe(id);
    }
  });
});
