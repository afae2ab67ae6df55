import { afterEach, describe, expect, it } from 'vitest';
import { FakeCollector } from './fake-collector.js';
import { Harness, testConfig } from './pipeline-harness.js';

const collectors: FakeCollector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((c) => c.stop()));
});

describe('export pipeline: partial success', () => {
  it('counts spans the collector rejected in a partial success as exportFailed', async () => {
    const collector = await new FakeCollector().start();
    collectors.push(collector);
    // ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "bad" } }
    const response = Buffer.from([0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]);
    collector.behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(response);
      return true;
    };
    const h = new Harness(testConfig(collector.url));
    h.endSpans(10);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect([stats.exportedSpans, stats.droppedSpans.exportFailed]).toEqual([7, 3]);
    expect(stats.lastError).toMatch(/rejected 3 of 10 spans/);
    expect(h.accounted(stats)).toBe(10);
    await h.shutdown();
  });
});
