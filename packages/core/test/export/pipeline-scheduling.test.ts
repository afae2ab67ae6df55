import { afterEach, describe, expect, it } from 'vitest';
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
    const [collector, h] = await setup({ initialBackoffMs: 600_000, maxBackoffMs: 600_000 });
    let failed: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    let left = 1;
    collector.behaviour = (_req, res) => {
      if (left === 0) return false;
      left--;
      res.writeHead(503).end();
      failed();
      return true;
    };
    h.endSpans(30);
    void h.pipeline.forceFlush();
    await firstFailure;
    await h.shutdown(10_000);
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.retries, stats.droppedSpans.shutdown]).toEqual([30, 1, 0]);
    expect(h.accounted(stats)).toBe(30);
  });
});
