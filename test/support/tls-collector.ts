import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spanIdsOf } from '../../packages/core/test/export/fake-collector.js';

const TLS = join(__dirname, '..', 'fixtures', 'export', 'tls');

/** The private CA that signed the collector's certificate, for `OTEL_EXPORTER_OTLP_CERTIFICATE`. */
export const TEST_CA = join(TLS, 'ca.pem');

export interface TlsCollector {
  /** `https://localhost:<port>`, the name the certificate is for. */
  readonly url: string;
  /** The span ids of every export received, in order. */
  readonly spanIds: string[];
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP collector over https on a real socket, its certificate signed by the private CA of
 * test/fixtures/export/tls: it keeps the span ids of each protobuf export and answers an empty 200.
 */
export async function startTlsCollector(): Promise<TlsCollector> {
  const spanIds: string[] = [];
  const server = createServer(
    { key: readFileSync(join(TLS, 'server.key')), cert: readFileSync(join(TLS, 'server.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        spanIds.push(...spanIdsOf(Buffer.concat(chunks)));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    spanIds,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
