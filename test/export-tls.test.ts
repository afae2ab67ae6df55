import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanIdsOf } from '../packages/core/test/export/fake-collector.js';
import { Harness, testConfig } from '../packages/core/test/export/pipeline-harness.js';

// OTLP over https to a collector whose certificate is signed by a private CA (OTEL_EXPORTER_OTLP_CERTIFICATE).

const tls = join(__dirname, 'fixtures', 'export', 'tls');
const received: string[] = [];
let server: https.Server;
let endpoint: string;

beforeAll(async () => {
  server = https.createServer(
    { key: readFileSync(join(tls, 'server.key')), cert: readFileSync(join(tls, 'server.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(...spanIdsOf(Buffer.concat(chunks)));
        res.writeHead(200).end();
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `https://localhost:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('export pipeline over TLS', () => {
  it('trusts the configured CA in addition to the system ones', async () => {
    const h = new Harness(testConfig(endpoint, { certificate: readFileSync(join(tls, 'ca.pem'), 'utf8') }));
    h.endSpans(20);
    await h.pipeline.forceFlush();
    expect(h.pipeline.stats().exportedSpans).toBe(20);
    expect(new Set(received)).toEqual(new Set(h.ids));
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
