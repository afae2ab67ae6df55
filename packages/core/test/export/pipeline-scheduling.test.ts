import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeCollector } from './fake-collector.js';
import { Harness, testConfig } from './pipeline-harness.js';

const collectors: FakeCollector[] = [];
const harnesses: Harness[] = [];

async function setup(overrides: Parameters<typeof testConfig>[1]): Promise<[FakeCollector, Harness]> {
  const collector = await new FakeCollector().start();
  const harness = new Harness(testConfig(collector.url, overrides));
  collectors.push(collector);
  harnesses.push(harness);
  return [collector, harness];
}

/** Answers the next `count` requests with `status`, then behaves normally. */
function failNext(collector: FakeCollector, count: number, status: number): void {
  let left = count;
  collector.behaviour = (_req, res) => {
    if (left === 0) return false;
    left--;
    res.writeHead(status).end();
    return true;
  };
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown(0)));
  await Promise.all(collectors.splice(0).map((c) => c.stop()));
});

describe('export pipeline scheduling', () => {
  it('exports a full batch at once, without waiting for the scheduled delay', async () => {
    const [collector, h] = await setup({ scheduledDelayMs: 600_000, maxExportBatchSize: 100 });
    h.endSpans(100);
    await collector.waitForSpans(100);
    await h.pipeline.forceFlush(); // the response is on its way back
    expect(collector.requests).toEqual([expect.objectContaining({ spans: 100, status: 200 })]);
    expect(h.pipeline.stats().exportedSpans).toBe(100);
  });

  it('keeps one export in flight at a time', async () => {
    const [collector, h] = await setup({ maxExportBatchSize: 10, timeoutMs: 60_000 });
    let arrived: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    collector.behaviour = () => {
      arrived();
      return true;
    };
    h.endSpans(50);
    void h.pipeline.forceFlush();
    await first;
    // Further batches are due, but none may leave while the first is unanswered.
    await new Promise((resolve) => setImmediate(resolve));
    expect(collector.requests).toHaveLength(1);
    expect(h.pipeline.stats().queuedSpans).toBe(50);
  });

  it('puts a batch that ran out of retries back in front, and delivers it once later', async () => {
    const [collector, h] = await setup({ maxRetries: 1, circuitThreshold: 100, scheduledDelayMs: 100 });
    failNext(collector, 2, 503);
    h.endSpans(20);
    await h.pipeline.forceFlush();
    let stats = h.pipeline.stats();
    expect([stats.queuedSpans, stats.failedExports, stats.retries, stats.circuit]).toEqual([
      20,
      2,
      1,
      'closed',
    ]);
    expect(h.accounted(stats)).toBe(20);
    await collector.waitForSpans(20);
    await h.pipeline.forceFlush();
    stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.queuedSpans, stats.droppedSpans.exportFailed]).toEqual([20, 0, 0]);
    expect(collector.spanIds.sort()).toEqual([...h.ids].sort());
  });

  it('stops retrying a batch once OTEL_BSP_EXPORT_TIMEOUT would pass, and delivers it with a later export', async () => {
    // Retry-After asks for 1 s; the export timeout allows 200 ms: no retry, the batch waits for the next export.
    const [collector, h] = await setup({
      exportTimeoutMs: 200,
      circuitThreshold: 100,
      scheduledDelayMs: 100,
    });
    let left = 1;
    collector.behaviour = (_req, res) => {
      if (left === 0) return false;
      left--;
      res.writeHead(503, { 'retry-after': '1' }).end();
      return true;
    };
    h.endSpans(5);
    await h.pipeline.forceFlush();
    let stats = h.pipeline.stats();
    expect([stats.queuedSpans, stats.failedExports, stats.retries]).toEqual([5, 1, 0]);
    await collector.waitForSpans(5);
    await h.pipeline.forceFlush();
    stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.queuedSpans, stats.retries]).toEqual([5, 0, 0]);
  });

  it('shutdown() cancels a backoff sleep and sends at once', async () => {
    const [collector, h] = await setup({ initialBackoffMs: 20_000, maxBackoffMs: 20_000 });
    failNext(collector, 1, 503);
    h.endSpans(30);
    void h.pipeline.forceFlush();
    // The pipeline has read the 503 and sleeps 10-20 s before its retry.
    await vi.waitFor(() => expect(h.pipeline.stats().failedExports).toBe(1));
    await h.shutdown(10_000);
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.retries, stats.droppedSpans.shutdown]).toEqual([30, 1, 0]);
    expect(h.accounted(stats)).toBe(30);
  });
});

describe('retries during shutdown', () => {
  /** Answers every request with `status` (and `retryAfter`), noting when each arrived. */
  function alwaysFail(collector: FakeCollector, status: number, retryAfter?: string): number[] {
    const arrivals: number[] = [];
    collector.behaviour = (_req, res) => {
      arrivals.push(performance.now());
      res.writeHead(status, retryAfter === undefined ? {} : { 'retry-after': retryAfter }).end();
      return true;
    };
    return arrivals;
  }

  it('backs off between attempts, from the first step, and never past the deadline', async () => {
    const [collector, h] = await setup({ initialBackoffMs: 100, maxBackoffMs: 100, maxRetries: 1 });
    const arrivals = alwaysFail(collector, 503);
    h.endSpans(20);
    await h.shutdown(600);
    // maxRetries does not cut the final flush short; each retry waits at least half the backoff (jitter).
    expect(arrivals.length).toBeGreaterThan(2);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(49);
    // A retry starts only while 600 ms have not passed, so at most 1 + 600 / 50 requests.
    expect(arrivals.length).toBeLessThanOrEqual(13);
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.droppedSpans.shutdown, stats.queuedSpans]).toEqual([0, 20, 0]);
  });

  it('delivers once the collector recovers within the deadline', async () => {
    const [collector, h] = await setup({ initialBackoffMs: 50, maxBackoffMs: 200 });
    failNext(collector, 3, 503);
    h.endSpans(25);
    await h.shutdown(5000);
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.retries, stats.droppedSpans.shutdown]).toEqual([25, 3, 0]);
    expect(collector.requests.map((r) => r.status)).toEqual([503, 503, 503, 200]);
  });

  it('honours Retry-After, and stops at once when the wait it asks for ends after the deadline', async () => {
    const [collector, h] = await setup({});
    const arrivals = alwaysFail(collector, 429, '60');
    h.endSpans(5);
    // Retry-After is honoured up to 30 s (MAX_RETRY_AFTER_MS): more than this deadline.
    await h.shutdown(10_000);
    expect(arrivals).toHaveLength(1);
    expect(h.pipeline.stats().droppedSpans.shutdown).toBe(5);
    expect(h.accounted()).toBe(5);
  });

  it('accepts spans that end while the final flush is under way', async () => {
    const [collector, h] = await setup({});
    h.endSpans(10);
    const done = h.shutdown(5000);
    h.endSpans(4);
    await done;
    await collector.waitForSpans(14);
    expect(h.pipeline.stats()).toMatchObject({ exportedSpans: 14, droppedSpans: { shutdown: 0 } });
    h.endSpans(1);
    expect(h.pipeline.stats().droppedSpans.shutdown).toBe(1);
  });
});
