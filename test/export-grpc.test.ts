import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRequest } from '../packages/cli/src/receiver/decode.js';
import type { ExportStats } from '../packages/core/src/types.js';
import { GrpcCollector } from './support/grpc-collector.js';
import { runNode } from './support/run-node.js';

// OTLP over gRPC (OTEL_EXPORTER_OTLP_PROTOCOL=grpc) from an app started with the register hook, to a real
// @grpc/grpc-js TraceService/Export server that decodes every request with the official OTLP schema.

const fixture = join(__dirname, 'fixtures', 'export', 'grpc-spans.cjs');
const tls = join(__dirname, 'fixtures', 'export', 'tls');
const NAMES = ['grpc-span-0', 'grpc-span-1', 'grpc-span-2', 'grpc-span-3', 'grpc-span-4'];

const collectors: GrpcCollector[] = [];
afterEach(() => {
  for (const collector of collectors.splice(0)) collector.stop();
});

async function collector(
  credentials?: grpc.ServerCredentials,
  options?: grpc.ServerOptions,
): Promise<GrpcCollector> {
  const started = await new GrpcCollector(options).start(credentials);
  collectors.push(started);
  return started;
}

interface Report {
  stats: ExportStats;
  grpcLoaded: boolean;
  circuitAfterFlush?: ExportStats['circuit'];
}

/** Runs the fixture under the register hook (after `preload`); returns its report and stderr. */
async function run(
  env: Record<string, string>,
  preload: string[] = [],
): Promise<Report & { stderr: string }> {
  const result = await runNode([...preload, '--require', '@spanwise/core/register', fixture], {
    OTEL_SERVICE_NAME: 'grpc-app',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_BSP_SCHEDULE_DELAY: '60000',
    SPANWISE_EXPORT_INITIAL_BACKOFF_MS: '20',
    SPANWISE_EXPORT_MAX_BACKOFF_MS: '50',
    SPANWISE_SHUTDOWN_TIMEOUT_MS: '500',
    ...env,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`no report (exit ${result.code}); stderr:\n${result.stderr}`);
  return { ...(JSON.parse(line) as Report), stderr: result.stderr };
}

/** Ended and sampled = exported + dropped (every reason) + queued. */
function accounted(stats: ExportStats): number {
  const d = stats.droppedSpans;
  return stats.exportedSpans + d.queueFull + d.exportFailed + d.shutdown + stats.queuedSpans;
}

describe('OTLP over gRPC', () => {
  it('delivers the spans with the headers as metadata, loading grpc-js only then', async () => {
    const server = await collector();
    const report = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret,x-tenant=blue%20team',
    });
    expect(server.spanNames().sort()).toEqual(NAMES);
    expect(server.calls[0]!.spans[0]!.resource['service.name']).toBe('grpc-app');
    const metadata = server.calls[0]!.metadata;
    expect(metadata.get('x-api-key')).toEqual(['s3cret']);
    expect(metadata.get('x-tenant')).toEqual(['blue team']);
    expect(report.stats).toMatchObject({ exportedSpans: 5, failedExports: 0, circuit: 'closed' });
    expect(report.grpcLoaded).toBe(true);
    expect(report.stderr).toBe('');
  });

  it('leaves out, with a warning that names the key only, a header gRPC metadata cannot carry', async () => {
    const server = await collector();
    const report = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret,x-token=caf%C3%A9-secret',
    });
    expect(server.calls[0]!.metadata.get('x-api-key')).toEqual(['s3cret']);
    expect(server.calls[0]!.metadata.get('x-token')).toEqual([]);
    expect(report.stderr).toContain('OTEL_EXPORTER_OTLP_HEADERS entry "x-token" is not valid gRPC metadata');
    expect(report.stderr).not.toContain('secret');
    expect(report.stats.exportedSpans).toBe(5);
  });

  it('compresses the message with gRPC gzip when OTEL_EXPORTER_OTLP_COMPRESSION=gzip', async () => {
    // A bare HTTP/2 endpoint, because grpc-js servers hide the message encoding from handlers.
    const seen: { encoding: unknown; compressed: number; spans: number }[] = [];
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // One length-prefixed message: compressed flag, 4-byte length, bytes.
        const frame = Buffer.concat(chunks);
        const message = frame.subarray(5, 5 + frame.readUInt32BE(1));
        const plain = frame[0] === 1 ? gunzipSync(message) : message;
        const spans = decodeRequest(plain, 'protobuf').spans.length;
        seen.push({ encoding: headers['grpc-encoding'], compressed: frame[0]!, spans });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const report = await run({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      });
      expect(seen).toEqual([{ encoding: 'gzip', compressed: 1, spans: 5 }]);
      expect(report.stats.exportedSpans).toBe(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not load @grpc/grpc-js for http/protobuf', async () => {
    const report = await run({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(report.grpcLoaded).toBe(false);
  });

  it('retries UNAVAILABLE, then delivers', async () => {
    const server = await collector();
    server.answers.push({ code: grpc.status.UNAVAILABLE, details: 'restarting' });
    const report = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint() });
    expect(server.spanNames().sort()).toEqual(NAMES);
    expect(report.stats).toMatchObject({ exportedSpans: 5, failedExports: 1, retries: 1 });
    expect(report.stats.lastError).toMatch(/gRPC UNAVAILABLE from http:\/\/127\.0\.0\.1:\d+: restarting/);
  });

  it('retries RESOURCE_EXHAUSTED after the RetryInfo delay when the status carries one', async () => {
    const server = await collector();
    server.answers.push({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'throttled', retryDelayMs: 100 });
    // Backoff alone would wait a minute: only the RetryInfo delay lets the retry come in time.
    const report = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(),
      SPANWISE_EXPORT_INITIAL_BACKOFF_MS: '60000',
      SPANWISE_EXPORT_MAX_BACKOFF_MS: '60000',
    });
    expect(server.spanNames().sort()).toEqual(NAMES);
    expect(report.stats).toMatchObject({ exportedSpans: 5, failedExports: 1, retries: 1 });
  });

  it('opens the circuit on repeated UNAVAILABLE, probes with an empty Export, then delivers', async () => {
    const server = await collector();
    for (let i = 0; i < 2; i++) server.answers.push({ code: grpc.status.UNAVAILABLE, details: 'down' });
    const report = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(),
      SPANWISE_CIRCUIT_THRESHOLD: '2',
      SPANWISE_CIRCUIT_PROBE_INTERVAL_MS: '50',
      WAIT_EXPORTED: '5',
    });
    expect(report.circuitAfterFlush).toBe('open');
    // The probe is an empty request; the spans follow it once the circuit has closed.
    expect(server.calls.map((call) => call.spans.length)).toEqual([0, 5]);
    expect(report.stats).toMatchObject({ exportedSpans: 5, failedExports: 2, circuit: 'closed' });
    expect(accounted(report.stats)).toBe(5);
  });

  it('drops the batch on RESOURCE_EXHAUSTED without RetryInfo, as the OTLP spec says', async () => {
    const server = await collector();
    server.answers.push({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'message too large' });
    const report = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint() });
    expect(server.calls).toHaveLength(0);
    expect(report.stats).toMatchObject({ exportedSpans: 0, failedExports: 1, retries: 0 });
    expect(report.stats.droppedSpans.exportFailed).toBe(5);
    expect(report.stats.lastError).toContain('gRPC RESOURCE_EXHAUSTED');
    expect(accounted(report.stats)).toBe(5);
  });

  it('gives up on a collector that never answers at the deadline, keeping the spans queued', async () => {
    const server = await collector();
    server.answers.push('hang', 'hang');
    const report = await run({
      OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(),
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      SPANWISE_EXPORT_MAX_RETRIES: '0',
    });
    expect(report.stats.lastError).toMatch(/gRPC DEADLINE_EXCEEDED .*no response within 300 ms/);
    expect(report.stats).toMatchObject({ exportedSpans: 0, queuedSpans: 5, failedExports: 1 });
    expect(accounted(report.stats)).toBe(5);
  });

  it('splits a request over the server message size limit until it fits', async () => {
    const server = await collector(undefined, { 'grpc.max_receive_message_length': 3000 });
    const report = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(), SPANS: '60' });
    expect(server.spanNames()).toHaveLength(60);
    expect(server.calls.length).toBeGreaterThan(1);
    expect(report.stats).toMatchObject({ exportedSpans: 60, queuedSpans: 0 });
    expect(report.stats.lastError).toMatch(/gRPC RESOURCE_EXHAUSTED .*larger than max/);
    expect(accounted(report.stats)).toBe(60);
  });

  it('counts a partial success exactly', async () => {
    const server = await collector();
    server.answers.push({ ok: true, rejectedSpans: 2 });
    const report = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint() });
    expect(server.spanNames()).toHaveLength(5);
    expect(report.stats).toMatchObject({ exportedSpans: 3, queuedSpans: 0 });
    expect(report.stats.droppedSpans.exportFailed).toBe(2);
    expect(report.stats.lastError).toContain('rejected 2 of 5 spans');
    expect(accounted(report.stats)).toBe(5);
  });

  it('warns once, naming the fix, and counts the spans when @grpc/grpc-js is not installed', async () => {
    const hide = join(__dirname, 'fixtures', 'export', 'hide-grpc.cjs');
    const report = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, ['--require', hide]);
    // The drop report that follows names the cause again (as lastError); the warning itself comes once.
    const warnings = report.stderr.split('\n').filter((l) => l.startsWith('[spanwise] WARN OTEL_EXPORTER'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('npm install @grpc/grpc-js');
    expect(report.grpcLoaded).toBe(false);
    expect(report.stats.droppedSpans.exportFailed).toBe(5);
    expect(accounted(report.stats)).toBe(5);
  });

  describe('over TLS', () => {
    const credentials = () =>
      grpc.ServerCredentials.createSsl(null, [
        {
          private_key: readFileSync(join(tls, 'server.key')),
          cert_chain: readFileSync(join(tls, 'server.pem')),
        },
      ]);

    it('trusts the CA in OTEL_EXPORTER_OTLP_CERTIFICATE for an https:// endpoint', async () => {
      const server = await collector(credentials());
      const report = await run({
        OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(true),
        OTEL_EXPORTER_OTLP_CERTIFICATE: join(tls, 'ca.pem'),
      });
      expect(server.spanNames().sort()).toEqual(NAMES);
      expect(report.stats.exportedSpans).toBe(5);
    });

    it('refuses the collector without that CA', async () => {
      const server = await collector(credentials());
      const report = await run({
        OTEL_EXPORTER_OTLP_ENDPOINT: server.endpoint(true),
        SPANWISE_EXPORT_MAX_RETRIES: '0',
      });
      expect(server.calls).toHaveLength(0);
      expect(report.stats.exportedSpans).toBe(0);
      expect(report.stats.lastError).toMatch(/gRPC UNAVAILABLE .*certificate/i);
      expect(accounted(report.stats)).toBe(5);
    });
  });
});
