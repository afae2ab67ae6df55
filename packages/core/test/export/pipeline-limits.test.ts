import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCollector } from './fake-collector.js';
import { Harness, testConfig } from './pipeline-harness.js';

const collectors: FakeCollector[] = [];
const harnesses: Harness[] = [];

async function setup(overrides: Parameters<typeof testConfig>[1] = {}): Promise<[FakeCollector, Harness]> {
  const collector = await new FakeCollector().start();
  const harness = new Harness(testConfig(collector.url, overrides));
  collectors.push(collector);
  harnesses.push(harness);
  return [collector, harness];
}

/** The collector reads requests and never answers: the first batch stays in flight. */
const hang = () => true;

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown(0)));
  await Promise.all(collectors.splice(0).map((c) => c.stop()));
});

describe('export pipeline limits', () => {
  it('drops the newest spans past the span cap, counting each one', async () => {
    const [collector, h] = await setup({ maxQueueSize: 100, maxExportBatchSize: 10 });
    collector.behaviour = hang;
    h.endSpans(250);
    const stats = h.pipeline.stats();
    expect(stats.queuedSpans).toBe(100);
    expect(stats.droppedSpans.queueFull).toBe(150);
    expect(h.accounted(stats)).toBe(250);
  });

  it("with dropPolicy 'oldest', evicts the oldest queued spans and keeps the newest", async () => {
    const [collector, h] = await setup({
      maxQueueSize: 50,
      maxExportBatchSize: 10,
      timeoutMs: 300,
      dropPolicy: 'oldest',
    });
    let first = true;
    collector.behaviour = () => {
      const hold = first;
      first = false;
      return hold;
    };
    h.endSpans(10);
    await h.pipeline.forceFlush().catch(() => undefined);
    expect(h.pipeline.stats().exportedSpans).toBe(10);
    collector.spanIds.length = 0;
    collector.behaviour = hang;
    h.endSpans(10); // these 10 become the batch in flight, never evicted
    void h.pipeline.forceFlush();
    h.endSpans(200);
    const stats = h.pipeline.stats();
    // 40 more fit beside the 10 in flight; each of the other 160 evicts the oldest waiting span.
    expect(stats.droppedSpans.queueFull).toBe(160);
    expect(stats.queuedSpans).toBe(50);
    expect(h.accounted(stats)).toBe(220);
    collector.behaviour = undefined;
    await h.shutdown(5000);
    expect(h.pipeline.stats().exportedSpans).toBe(60);
    expect(new Set(collector.spanIds)).toEqual(new Set([...h.ids.slice(10, 20), ...h.ids.slice(-40)]));
  });

  it('holds the encoded queue under the byte cap, whatever the span cap', async () => {
    const [collector, h] = await setup({
      maxQueueSize: 100_000,
      maxQueueBytes: 20_000,
      maxExportBatchSize: 64,
    });
    collector.behaviour = hang;
    h.endSpans(2000, { payload: 'x'.repeat(100) });
    void h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect(stats.queuedBytes).toBeLessThanOrEqual(20_000);
    expect(stats.droppedSpans.queueFull).toBeGreaterThan(1500);
    expect(h.accounted(stats)).toBe(2000);
  });

  it('a span larger than the whole byte cap is dropped alone; the next ones still get in', async () => {
    const [collector, h] = await setup({ maxQueueBytes: 4096 });
    h.endSpans(1, { payload: 'x'.repeat(10_000) });
    await h.pipeline.forceFlush();
    h.endSpans(5);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect([stats.droppedSpans.queueFull, stats.exportedSpans]).toEqual([1, 5]);
    expect(collector.spanIds).toEqual(h.ids.slice(1));
    expect(h.accounted(stats)).toBe(6);
  });

  it('never throws from onEnd, and ignores unsampled spans', async () => {
    const [, h] = await setup();
    const broken = {
      spanContext: () => {
        throw new Error('broken span');
      },
    } as unknown as ReadableSpan;
    expect(() => h.pipeline.onEnd(broken)).not.toThrow();
    expect(h.pipeline.stats().lastError).toMatch(/broken span/);
    const unsampled = { spanContext: () => ({ traceId: '1', spanId: '2', traceFlags: 0 }) } as ReadableSpan;
    h.pipeline.onEnd(unsampled);
    expect(h.pipeline.stats().queuedSpans).toBe(0);
  });

  it('shutdown() with the collector hanging resolves at the deadline and counts the rest as dropped', async () => {
    const [collector, h] = await setup({ maxExportBatchSize: 10, timeoutMs: 60_000 });
    collector.behaviour = hang;
    h.endSpans(35);
    const first = h.shutdown(200);
    expect(h.shutdown(5000)).toBe(first);
    await first;
    const stats = h.pipeline.stats();
    expect(stats.droppedSpans.shutdown).toBe(35);
    expect(stats.queuedSpans).toBe(0);
    h.endSpans(2);
    expect(h.pipeline.stats().droppedSpans.shutdown).toBe(37);
    expect(h.accounted()).toBe(37);
  });
});
