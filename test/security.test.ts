import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNode } from './support/run-node.js';

// No credential the app or its configuration carries may reach an exported span, stderr, stdout or stats():
// query secrets on server, http-client and fetch spans, a URL's user and password, collector credentials in
// the endpoint URL and in OTEL_EXPORTER_OTLP_HEADERS (also at OTEL_LOG_LEVEL=debug, and when the collector
// refuses), and a malformed headers entry.

const app = join(__dirname, 'fixtures', 'core', 'secrets-app.cjs');
const SERVER = 2;
const CLIENT = 3;
const SECRET = /SECRET/;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

async function serveOnce(env: Record<string, string>): Promise<{ proc: NodeProcess; port: string }> {
  const proc = startNode(['--require', '@spanwise/core/register', app], {
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...env,
  });
  const [, port] = await proc.waitForLine(/listening (\d+)/);
  const res = await fetch(
    `http://127.0.0.1:${port}/outer?password=SERVER-SECRET-1&Token=SERVER-SECRET-2&id=7`,
  );
  expect(await res.text()).toBe('outer');
  return { proc, port: port! };
}

/** The app's stats() once the pipeline has recorded the collector's answer (it lands just after the request). */
async function statsOnceFailed(port: string): Promise<{ lastError?: string }> {
  for (let attempt = 0; ; attempt++) {
    const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { lastError?: string };
    if (stats.lastError !== undefined || attempt === 200) return stats;
    await delay(10);
  }
}

async function stop(proc: NodeProcess): Promise<string> {
  proc.child.kill('SIGTERM');
  await proc.exited;
  return `${proc.stdout()}\n${proc.stderr()}`;
}

describe('secrets never leave the process', () => {
  it('redacts query secrets on server, http-client and fetch spans, and a URL user and password', async () => {
    receiver.clear();
    const { proc } = await serveOnce({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_LOG_LEVEL: 'debug',
    });
    const spans = await receiver.waitForSpans(5);
    const output = await stop(proc);
    const outer = spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/outer');
    expect(outer?.attributes['url.query']).toBe('password=REDACTED&Token=REDACTED&id=7');
    const clients = spans.filter((s) => s.kind === CLIENT).map((s) => s.attributes['url.full']);
    expect(clients).toContain(
      `http://REDACTED:REDACTED@127.0.0.1:${outer?.attributes['server.port']}/inner?API_KEY=REDACTED&page=2`,
    );
    expect(clients).toContain(
      `http://127.0.0.1:${outer?.attributes['server.port']}/inner?Access_Token=REDACTED&q=ok`,
    );
    const inner = spans.filter((s) => s.kind === SERVER && s.attributes['url.path'] === '/inner');
    expect(inner.map((s) => s.attributes['url.query']).sort()).toEqual([
      'API_KEY=REDACTED&page=2',
      'Access_Token=REDACTED&q=ok',
    ]);
    expect(
      JSON.stringify(spans, (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    ).not.toMatch(SECRET);
    expect(output).not.toMatch(SECRET);
  });

  it('SPANWISE_REDACTED_QUERY_PARAMS replaces the list', async () => {
    receiver.clear();
    const { proc } = await serveOnce({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      SPANWISE_REDACTED_QUERY_PARAMS: 'id,api_key',
    });
    const spans = await receiver.waitForSpans(5);
    await stop(proc);
    const outer = spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/outer');
    expect(outer?.attributes['url.query']).toBe('password=SERVER-SECRET-1&Token=SERVER-SECRET-2&id=REDACTED');
    const clients = spans.filter((s) => s.kind === CLIENT).map((s) => String(s.attributes['url.full']));
    expect(clients.some((url) => url.includes('API_KEY=REDACTED&page=2'))).toBe(true);
    expect(clients.some((url) => url.includes('Access_Token=FETCH-QUERY-SECRET'))).toBe(true);
  });

  it.each([401, 403, 500])(
    'collector answering %i: credentials in the endpoint URL and headers appear nowhere, even at debug',
    async (status) => {
      const local = await startReceiver();
      local.setFault({ type: 'status', status });
      try {
        const endpoint = local.url.replace('http://', 'http://collector-user:URL-SECRET@');
        const { proc, port } = await serveOnce({
          OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/?api_key=URL-QUERY-SECRET`,
          OTEL_EXPORTER_OTLP_HEADERS:
            'x-api-key=HEADER-SECRET,x-token:MALFORMED-SECRET,Authorization=Bearer%20BEARER-SECRET',
          OTEL_LOG_LEVEL: 'debug',
        });
        const [request] = await local.waitForRequests(1);
        expect(request?.headers['x-api-key']).toBe('HEADER-SECRET');
        expect(request?.status).toBe(status);
        const stats = await statsOnceFailed(port);
        const output = await stop(proc);
        expect(stats.lastError).toBe(
          `HTTP ${status} from http://REDACTED:REDACTED@127.0.0.1:${local.port}/v1/traces?api_key=REDACTED`,
        );
        expect(JSON.stringify(stats)).not.toMatch(SECRET);
        expect(output).toContain(
          'OTEL_EXPORTER_OTLP_HEADERS entry 2 of 3 (key "x-token") is not a key=value pair',
        );
        expect(output).toContain(`dropped`);
        expect(output).not.toMatch(SECRET);
      } finally {
        await local.close();
      }
    },
  );
});
