import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, testConfig } from '../packages/core/test/export/pipeline-harness.js';
import { startTlsCollector, TEST_CA, type TlsCollector } from './support/tls-collector.js';

// OTLP over https to a collector whose certificate is signed by a private CA (OTEL_EXPORTER_OTLP_CERTIFICATE).

let collector: TlsCollector;
let endpoint: string;

beforeAll(async () => {
  collector = await startTlsCollector();
  endpoint = `${collector.url}/v1/traces`;
});

afterAll(() => collector.close());

describe('export pipeline over TLS', () => {
  it('trusts the configured CA in addition to the system ones', async () => {
    const h = new Harness(testConfig(endpoint, { certificate: readFileSync(TEST_CA, 'utf8') }));
    h.endSpans(20);
    await h.pipeline.forceFlush();
    expect(h.pipeline.stats().exportedSpans).toBe(20);
    expect(new Set(collector.spanIds)).toEqual(new Set(h.ids));
    await h.shutdown();
  });

  it('refuses the collector without that CA', async () => {
    const h = new Harness(testConfig(endpoint, { maxRetries: 0 }));
    h.endSpans(5);
    await h.pipeline.forceFlush();
    const stats = h.pipeline.stats();
    expect(stats.exportedSpans).toBe(0);
    expect(stats.lastError).toMatch(/certificate/i);
    expect(h.accounted(stats)).toBe(5);
    await h.shutdown(0);
  });
});
