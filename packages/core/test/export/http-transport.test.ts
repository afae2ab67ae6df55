import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_DEFAULTS } from '../../src/export/export-limits.js';
import { HttpTransport } from '../../src/export/http-transport.js';
import type { ExportConfig } from '../../src/types.js';
import { FakeCollector } from './fake-collector.js';

let collector: FakeCollector;
beforeEach(async () => {
  collector = await new FakeCollector().start();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await collector.stop();
});

function config(extra: Partial<ExportConfig> = {}): ExportConfig {
  return {
    ...EXPORT_DEFAULTS,
    endpoint: collector.url,
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 2000,
    compression: 'none',
    ...extra,
  } as ExportConfig;
}

describe('HttpTransport', () => {
  it.each([{ compression: 'none' as const }, { compression: 'gzip' as const }])(
    'rehearses one export in memory when built ($compression): nothing reaches the collector',
    async ({ compression }) => {
      const transport = new HttpTransport(config({ compression }));
      await expect(transport.rehearsed).resolves.toEqual({
        kind: 'delivered',
        rejected: 0,
        message: undefined,
      });
      expect(collector.requests).toEqual([]);
      const body = await transport.encodeBody([]);
      const outcome = await transport.send(body, 2000, new AbortController().signal);
      expect(outcome.kind).toBe('delivered');
      expect(collector.requests).toHaveLength(1);
      transport.destroy();
    },
  );

  it('rehearses for an https collector too, without connecting to it', async () => {
    // Port 9 (discard) on loopback: a connection attempt would fail, and the rehearsal would not be delivered.
    const transport = new HttpTransport(config({ endpoint: 'https://127.0.0.1:9/v1/traces' }));
    await expect(transport.rehearsed).resolves.toEqual({
      kind: 'delivered',
      rejected: 0,
      message: undefined,
    });
    transport.destroy();
  });

  it('does not go through http.request, which the HTTP client instrumentation wraps', async () => {
    const request = vi.spyOn(http, 'request');
    const transport = new HttpTransport(config());
    await transport.rehearsed;
    const outcome = await transport.send([], 2000, new AbortController().signal);
    expect(outcome.kind).toBe('delivered');
    expect(collector.requests).toHaveLength(1);
    expect(request).not.toHaveBeenCalled();
    transport.destroy();
  });
});
