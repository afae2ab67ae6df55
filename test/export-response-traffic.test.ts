import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { type Fault, type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportStats } from '../packages/core/src/types.js';
import { startNode } from './support/run-node.js';
import { startTlsCollector, TEST_CA } from './support/tls-collector.js';

// The register hook in a real process under steady load, against collectors that answer exports in the ways
// issue 19 lists. Reading those answers must load no module while the app serves traffic (checked from
// inside the app, not timed), and must count what the collector said: rejected spans as exportFailed, a
// body that is no OTLP response as delivered. The event-loop delay itself is measured in
// bench/scenarios/first-exports.mjs, not asserted here.

const app = join(__dirname, 'fixtures', 'core', 'traffic-app.cjs');
/** Requests per run, 4 at a time over kept-alive loopback connections. */
const REQUESTS = 400;
const CONCURRENCY = 4;

interface AppReport {
  stats: ExportStats;
  loadedInTraffic: { files: string[]; builtins: string[] };
  stderr: string;
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

async function steadyLoad(port: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < REQUESTS) {
      sent++;
      await new Promise<void>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/work', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
}

/** Runs the app under load against the receiver answering with `fault`; returns what the app reported. */
function run(fault: Fault, env: Record<string, string>): Promise<AppReport> {
  receiver.clear();
  receiver.setFault(fault);
  return runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env });
}

/** Runs the app under load, exporting as `env` says; returns what the app reported. */
async function runApp(env: Record<string, string>): Promise<AppReport> {
  const proc = startNode(['--require', '@spanwise/core/register', app], {
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
    ...env,
  });
  const [, port] = await proc.waitForLine(/listening (\d+)/);
  await steadyLoad(port!);
  await new Promise((resolve) =>
    get(`http://127.0.0.1:${port}/end`, (res) => res.resume().on('end', resolve)),
  );
  const [line] = await proc.waitForLine(/^\{.*\}$/m);
  await proc.exited;
  return { ...(JSON.parse(line) as AppReport), stderr: proc.stderr() };
}

function accounted(stats: ExportStats): number {
  const d = stats.droppedSpans;
  return stats.exportedSpans + d.queueFull + d.exportFailed + d.shutdown + stats.queuedSpans;
}

/** Spans the collector received, and how many of them its partial successes rejected (`rejected` a request). */
function received(rejected: number): { spans: number; rejected: number; requests: number } {
  const exports = receiver.requests.filter((r) => r.status === 200 && r.spanCount > 0);
  const spans = exports.reduce((sum, r) => sum + r.spanCount, 0);
  const refused = exports.reduce((sum, r) => sum + Math.min(rejected, r.spanCount), 0);
  return { spans, rejected: refused, requests: exports.length };
}

const garbage = randomBytes(100 * 1024);

describe('export responses while the app serves traffic (register hook, steady load)', () => {
  it.each([
    {
      name: 'http/json, {"partialSuccess":{}}',
      fault: { type: 'body', body: '{"partialSuccess":{}}', contentType: 'application/json' } as Fault,
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      rejected: 0,
    },
    { name: 'http/protobuf, empty response', fault: { type: 'ok' } as Fault, env: {}, rejected: 0 },
    {
      name: 'http/protobuf, partial success rejecting 3',
      fault: { type: 'partial', rejectedSpans: 3, errorMessage: 'bad span' } as Fault,
      env: {},
      rejected: 3,
    },
    {
      name: 'http/protobuf, 100 KiB of garbage',
      fault: { type: 'body', body: garbage, contentType: 'application/x-protobuf' } as Fault,
      env: {},
      rejected: 0,
    },
    {
      name: 'http/json + gzip, partial success rejecting 3',
      fault: { type: 'partial', rejectedSpans: 3, errorMessage: 'bad span' } as Fault,
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      rejected: 3,
    },
  ])('$name', async ({ fault, env, rejected }) => {
    const { stats, loadedInTraffic, stderr } = await run(fault, env);
    const got = received(rejected);
    // More than one export happened during the load, so the responses were read while serving.
    expect(got.requests).toBeGreaterThan(2);
    expect(got.spans).toBe(REQUESTS * 2 + 1);
    expect(stats.droppedSpans).toEqual({ queueFull: 0, exportFailed: got.rejected, shutdown: 0 });
    expect(stats.exportedSpans).toBe(got.spans - got.rejected);
    expect(accounted(stats)).toBe(got.spans);
    if (rejected > 0) {
      expect(got.rejected).toBeGreaterThan(0);
      // The collector claims 3 of every request; a batch of fewer spans counts only what it held.
      const last = stats.lastError?.match(
        /the collector rejected (\d+) of (\d+) spans \(partial success\): bad span/,
      );
      expect(last).not.toBeNull();
      expect(Number(last?.[1])).toBe(Math.min(3, Number(last?.[2])));
      // Only the rate-limited drop warning, naming the collector's reason.
      expect(stderr).toMatch(/^(\[spanwise\] dropped \d+ spans: \d+ export failed; .*: bad span\. .*\n)+$/);
    } else {
      expect(stats.lastError).toBeUndefined();
      expect(stderr).toBe('');
    }
    expect(loadedInTraffic).toEqual({ files: [], builtins: [] });
  });

  it('https to a collector whose CA is OTEL_EXPORTER_OTLP_CERTIFICATE, empty response', async () => {
    const collector = await startTlsCollector();
    try {
      const { stats, loadedInTraffic, stderr } = await runApp({
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_CERTIFICATE: TEST_CA,
      });
      expect(collector.spanIds).toHaveLength(REQUESTS * 2 + 1);
      expect(stats.exportedSpans).toBe(REQUESTS * 2 + 1);
      expect(stats.droppedSpans).toEqual({ queueFull: 0, exportFailed: 0, shutdown: 0 });
      expect(stderr).toBe('');
      expect(loadedInTraffic).toEqual({ files: [], builtins: [] });
    } finally {
      await collector.close();
    }
  });
});
