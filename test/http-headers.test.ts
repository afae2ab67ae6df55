import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// Header capture on the server span (Spanwise's) and on client spans (http.get and fetch), from the
// OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_* variables; credentials never recorded; the hooks' attributes.
const app = join(__dirname, 'fixtures', 'core', 'headers-app.cjs');
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

async function spansOfOneRequest(args: string[], env: Record<string, string>) {
  const proc = startNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...env,
  });
  try {
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { 'x-tenant': 'acme', authorization: 'Bearer secret', cookie: 'session=secret' },
    });
    expect(await response.text()).toBe('ok');
    const spans = await receiver.waitForSpans(3);
    const server = spans.find((span) => span.kind === SPAN_KIND_SERVER)!;
    const clients = spans.filter((span) => span.kind === SPAN_KIND_CLIENT);
    expect(clients).toHaveLength(2);
    return { server, clients, stderr: proc.stderr() };
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}

const headerAttributes = (attributes: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(attributes).filter(([key]) => /^http\.(request|response)\.header\./.test(key)),
  );

it('records the named headers as string arrays, and never a credential, on server and client spans', async () => {
  const { server, clients, stderr } = await spansOfOneRequest(['--require', '@spanwise/core/register', app], {
    SPANWISE_HTTP_IGNORE_PATHS: '/echo',
    OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST: 'X-Tenant, authorization,Cookie,x-absent',
    OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE: 'x-request-id,Set-Cookie',
    OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST: 'x-tenant,authorization,proxy-authorization',
    OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_RESPONSE: 'x-echo,set-cookie',
  });
  expect(headerAttributes(server.attributes)).toEqual({
    'http.request.header.x-tenant': ['acme'],
    'http.response.header.x-request-id': ['r-1'],
  });
  for (const client of clients) {
    expect(headerAttributes(client.attributes)).toEqual({
      'http.request.header.x-tenant': ['acme'],
      'http.response.header.x-echo': ['e'],
    });
  }
  const everything = JSON.stringify([server, clients], (_key, value) =>
    typeof value === 'bigint' ? String(value) : value,
  );
  expect(everything).not.toContain('secret');
  const warnings = stderr.trim().split('\n');
  expect(warnings).toHaveLength(6);
  expect(warnings).toContain(
    '[spanwise] WARN OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST names "authorization", which carries credentials and is never recorded; leaving it out.',
  );
});

it('calls the server and client hooks with the span and the request or response', async () => {
  const { server, clients, stderr } = await spansOfOneRequest([app], { APP_START_TRACING: '1' });
  expect(server.attributes).toMatchObject({ 'app.tenant': 'acme', 'app.request_id': 'r-1' });
  const httpClient = clients.find((span) => span.attributes['app.client.path'] !== undefined);
  expect(httpClient?.attributes).toMatchObject({ 'app.client.path': '/echo', 'app.client.status': 200 });
  expect(headerAttributes(server.attributes)).toEqual({});
  expect(stderr).toBe('');
});
