import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, testConfig } from '../packages/core/test/export/pipeline-harness.js';

// The circuit probe goes through the same encoding as every request: with gzip on, a probe sent raw under
// `Content-Encoding: gzip` is refused by a collector (400), so the circuit would never close again.

const receivers: Receiver[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown(0)));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('circuit probe encoding', () => {
  it.each(['http/protobuf', 'http/json'] as const)(
    '%s + gzip: probes are valid gzipped empty requests, and the circuit closes once the collector is back',
    async (protocol) => {
      const receiver = await startReceiver();
      receivers.push(receiver);
      const h = new Harness(
        testConfig(receiver.endpoint, {
          protocol,
          compression: 'gzip',
          circuitThreshold: 2,
          maxRetries: 5,
          probeIntervalMs: 50,
        }),
      );
      harnesses.push(h);
      receiver.setFault({ type: 'status', status: 503, times: 2 });
      h.endSpans(10);
      await h.pipeline.forceFlush();
      expect(h.pipeline.stats().circuit).not.toBe('closed');
      await receiver.waitForSpans(10);
      await h.pipeline.forceFlush();
      const probes = receiver.requests.slice(2, -1);
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes) {
        expect([probe.contentEncoding, probe.spanCount, probe.status]).toEqual(['gzip', 0, 200]);
      }
      const stats = h.pipeline.stats();
      expect([stats.exportedSpans, stats.queuedSpans, stats.circuit]).toEqual([10, 0, 'closed']);
    },
  );
});
