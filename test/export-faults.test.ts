import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportConfig } from '../packages/core/src/types.js';
import { Harness, testConfig } from '../packages/core/test/export/pipeline-harness.js';

// The export pipeline against the real OTLP receiver on loopback, one collector fault at a time. Every test
// checks the accounting invariant exactly: ended = exported + dropped (every reason) + queued.

const receivers: Receiver[] = [];
const harnesses: Harness[] = [];

async function setup(
  config: Partial<ExportConfig> = {},
  maxBodyBytes?: number,
): Promise<[Receiver, Harness]> {
  const receiver = await startReceiver(maxBodyBytes === undefined ? {} : { maxBodyBytes });
  const harness = new Harness(testConfig(receiver.endpoint, config));
  receivers.push(receiver);
  harnesses.push(harness);
  return [receiver, harness];
}

function expectDeliveredOnce(receiver: Receiver, harness: Harness): void {
  const ids = receiver.spans.map((s) => s.spanId);
  expect(ids).toHaveLength(new Set(ids).size);
  expect(new Set(ids)).toEqual(new Set(harness.ids));
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown(0)));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('export pipeline under collector faults', () => {
  it('collector refused: retries, opens the circuit, keeps spans queued, delivers them once it is back', async () => {
    const [receiver, h] = await setup();
    await receiver.stop();
    h.endSpans(20);
    await h.pipeline.forceFlush();
    let stats = h.pipeline.stats();
    expect(stats.circuit).not.toBe('closed');
    expect(stats.failedExports).toBeGreaterThanOrEqual(5);
    expect(stats.lastError).toMatch(/ECONNREFUSED/);
    expect(stats.queuedSpans).toBe(20);
    expect(h.accounted(stats)).toBe(20);
    await receiver.listen();
    await receiver.waitForSpans(20);
    await h.pipeline.forceFlush();
    stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.queuedSpans, stats.circuit]).toEqual([20, 0, 'closed']);
    expect(h.accounted(stats)).toBe(20);
    expectDeliveredOnce(receiver, h);
  });

  it('circuit open: only empty probes go out, O(1) per interval, until the collector recovers', async () => {
    const [receiver, h] = await setup({ circuitThreshold: 3, maxRetries: 10, probeIntervalMs: 50 });
    receiver.setFault({ type: 'status', status: 503 });
    h.endSpans(100);
    await h.pipeline.forceFlush();
    expect(h.pipeline.stats().circuit).not.toBe('closed');
    expect(receiver.requests.map((r) => r.spanCount)).toEqual([100, 100, 100]);
    const probes = (await receiver.waitForRequests(8)).slice(3, 8);
    expect(probes.map((r) => [r.bodyBytes, r.spanCount])).toEqual(Array(5).fill([0, 0]));
    expect(h.accounted()).toBe(100);
    receiver.setFault({ type: 'ok' });
    await receiver.waitForSpans(100);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.queuedSpans, stats.circuit]).toEqual([100, 0, 'closed']);
    expect(h.accounted(stats)).toBe(100);
    expectDeliveredOnce(receiver, h);
  });

  it('accept and never answer: the request deadline ends each attempt', async () => {
    const [receiver, h] = await setup({ timeoutMs: 300 });
    receiver.setFault({ type: 'hang' });
    h.endSpans(10);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect(stats.lastError).toMatch(/no complete response within 300 ms/);
    expect(stats.failedExports).toBeGreaterThanOrEqual(5);
    expect(h.accounted(stats)).toBe(10);
    receiver.setFault({ type: 'ok' });
    await receiver.waitForSpans(10);
    await h.pipeline.forceFlush();
    expect(h.pipeline.stats().exportedSpans).toBe(10);
    expect(h.accounted()).toBe(10);
  });

  it('answers after 3 s with a 1 s timeout: gives up at 1 s and retries', async () => {
    const [receiver, h] = await setup({ timeoutMs: 1000 });
    receiver.setFault({ type: 'delay', ms: 3000 });
    h.endSpans(5);
    const flushed = h.pipeline.forceFlush();
    await receiver.waitForRequests(1);
    receiver.setFault({ type: 'ok' });
    await flushed;
    const stats = h.pipeline.stats();
    expect(stats.lastError).toMatch(/no complete response within 1000 ms/);
    expect([stats.exportedSpans, stats.failedExports, stats.retries]).toEqual([5, 1, 1]);
    expect(h.accounted(stats)).toBe(5);
  });

  it('connection reset after the request was read: retried, delivered once', async () => {
    const [receiver, h] = await setup();
    receiver.setFault({ type: 'destroy' });
    h.endSpans(15);
    const flushed = h.pipeline.forceFlush();
    await receiver.waitForRequests(1);
    receiver.setFault({ type: 'ok' });
    await flushed;
    const stats = h.pipeline.stats();
    expect(stats.exportedSpans).toBe(15);
    expect(stats.retries).toBeGreaterThanOrEqual(1);
    expect(stats.lastError).toMatch(/socket hang up|ECONNRESET|closed/);
    expect(h.accounted(stats)).toBe(15);
    expectDeliveredOnce(receiver, h);
  });

  it('503 with Retry-After: 1 waits the second the collector asked for', async () => {
    const [receiver, h] = await setup();
    receiver.setFault({ type: 'status', status: 503, retryAfter: '1', times: 1 });
    h.endSpans(10);
    const started = performance.now();
    await h.pipeline.forceFlush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.failedExports, stats.retries]).toEqual([10, 1, 1]);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(h.accounted(stats)).toBe(10);
    expectDeliveredOnce(receiver, h);
  });

  it('429 is retried with backoff until accepted', async () => {
    const [receiver, h] = await setup();
    receiver.setFault({ type: 'status', status: 429, times: 2 });
    h.endSpans(10);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.failedExports, stats.retries]).toEqual([10, 2, 2]);
    expect(h.accounted(stats)).toBe(10);
    expectDeliveredOnce(receiver, h);
  });

  it('400 is never retried: the batch is dropped as exportFailed', async () => {
    const [receiver, h] = await setup();
    receiver.setFault({ type: 'status', status: 400 });
    h.endSpans(10);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect(receiver.requests).toHaveLength(1);
    expect([stats.exportedSpans, stats.droppedSpans.exportFailed, stats.retries]).toEqual([0, 10, 0]);
    expect(stats.lastError).toMatch(/HTTP 400/);
    expect(h.accounted(stats)).toBe(10);
  });

  it('413 splits the batch until the collector takes it; only a single oversized span is lost', async () => {
    const [receiver, h] = await setup({}, 8 * 1024);
    h.endSpans(300, { payload: 'p'.repeat(100) });
    await h.pipeline.forceFlush();
    let stats = h.pipeline.stats();
    expect(receiver.requests.some((r) => r.status === 413)).toBe(true);
    expect([stats.exportedSpans, stats.droppedSpans.exportFailed]).toEqual([300, 0]);
    expectDeliveredOnce(receiver, h);
    h.endSpans(1, { payload: 'x'.repeat(20_000) });
    await h.pipeline.forceFlush();
    stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.droppedSpans.exportFailed]).toEqual([300, 1]);
    expect(h.accounted(stats)).toBe(301);
  });

  it('flapping up and down: every span arrives exactly once', async () => {
    const [receiver, h] = await setup({ circuitThreshold: 2 });
    for (let round = 0; round < 4; round++) {
      h.endSpans(25);
      await h.pipeline.forceFlush();
      await receiver.stop();
      h.endSpans(25);
      await h.pipeline.forceFlush();
      expect(h.accounted()).toBe(h.ended);
      await receiver.listen();
    }
    await receiver.waitForSpans(200);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.queuedSpans]).toEqual([200, 0]);
    expect(h.accounted(stats)).toBe(200);
    expectDeliveredOnce(receiver, h);
  });

  it('sends gzip, custom headers and http/json when configured', async () => {
    const [receiver, h] = await setup({
      compression: 'gzip',
      protocol: 'http/json',
      headers: { 'x-api-key': 'secret' },
    });
    h.endSpans(30);
    await h.pipeline.forceFlush();
    const [request] = receiver.requests;
    expect(request).toMatchObject({
      contentType: 'application/json',
      contentEncoding: 'gzip',
      spanCount: 30,
    });
    expect(request?.headers['x-api-key']).toBe('secret');
    expectDeliveredOnce(receiver, h);
  });
});
