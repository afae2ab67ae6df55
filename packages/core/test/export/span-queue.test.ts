import { describe, expect, it } from 'vitest';
import type { EncodedEntry } from '../../src/export/encoded-entry.js';
import { SpanQueue } from '../../src/export/span-queue.js';

const entry = (bytes: number, spans = 1): EncodedEntry => ({
  chunk: Buffer.alloc(bytes),
  start: 0,
  end: bytes,
  cost: bytes,
  spans,
  group: undefined,
  next: undefined,
});

describe('SpanQueue', () => {
  it('keeps running totals and FIFO order', () => {
    const q = new SpanQueue();
    const [a, b, c] = [entry(10), entry(20, 3), entry(30)];
    q.push(a);
    q.push(b);
    q.push(c);
    expect([q.spans, q.bytes]).toEqual([5, 60]);
    expect(q.shift()).toBe(a);
    expect([q.spans, q.bytes]).toEqual([4, 50]);
  });

  it('takes up to the span and byte limits, but always one entry', () => {
    const q = new SpanQueue();
    for (let i = 0; i < 10; i++) q.push(entry(100));
    expect(q.take(3, 10_000)).toHaveLength(3);
    expect(q.take(100, 250)).toHaveLength(2);
    expect(q.take(100, 1)).toHaveLength(1);
    expect([q.spans, q.bytes]).toEqual([4, 400]);
  });

  it('puts a batch back in front in its order', () => {
    const q = new SpanQueue();
    const all = [entry(1), entry(2), entry(3), entry(4)];
    for (const e of all) q.push(e);
    const batch = q.take(2, 100);
    q.unshiftAll(batch);
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([...all, undefined]);
    expect([q.spans, q.bytes]).toEqual([0, 0]);
  });

  it('clear() reports how many spans it held', () => {
    const q = new SpanQueue();
    q.push(entry(5, 2));
    q.push(entry(5, 3));
    expect(q.clear()).toBe(5);
    expect([q.spans, q.bytes, q.shift()]).toEqual([0, 0, undefined]);
  });
});
