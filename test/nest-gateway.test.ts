import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startNode } from './support/run-node.js';

// A real Nest 12 gateway on the socket.io and ws adapters, real clients: each @SubscribeMessage handler call
// gets a `Gateway.method` span, a child of the context the client sent in its handshake headers (or a root
// when it sent none), active while the handler runs.
const app = join(__dirname, 'fixtures', 'gateway', 'gateway-app.cjs');
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const SPAN_KIND_SERVER = 2;

interface Pong {
  echo: unknown;
  traceId?: string;
  spanId?: string;
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

async function socketIoPing(port: string, headers: Record<string, string>, data: string): Promise<Pong> {
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], extraHeaders: headers });
  try {
    return (await socket.timeout(10_000).emitWithAck('ping', data)) as Pong;
  } finally {
    socket.disconnect();
  }
}

async function wsPing(port: string, headers: Record<string, string>, data: string): Promise<Pong> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => socket.once('message', (raw) => resolve(String(raw))));
    socket.send(JSON.stringify({ event: 'ping', data }));
    return (JSON.parse(await reply) as { event: string; data: Pong }).data;
  } finally {
    socket.close();
  }
}

describe.each([
  ['socket.io', {}, socketIoPing],
  ['ws', { APP_WS_ADAPTER: 'ws' }, wsPing],
] as const)('a @SubscribeMessage handler on the %s adapter', (_adapter, adapterEnv, ping) => {
  it('gets a Gateway.method span parented to the handshake context, or a root span', async () => {
    const proc = startNode(['--require', '@spanwise/core/register', app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      ...adapterEnv,
    });
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      const withParent = await ping(port!, { traceparent: TRACEPARENT }, 'one');
      const withoutParent = await ping(port!, {}, 'two');
      expect(withParent.echo).toBe('one');
      expect(withParent.traceId).toBe(TRACE_ID);
      expect(withoutParent.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(withoutParent.traceId).not.toBe(TRACE_ID);
      const spans = await receiver.waitForSpans(2);
      const child = spans.find((span) => span.spanId === withParent.spanId);
      const root = spans.find((span) => span.spanId === withoutParent.spanId);
      expect(child).toMatchObject({
        name: 'EventsGateway.ping',
        kind: SPAN_KIND_SERVER,
        traceId: TRACE_ID,
        parentSpanId: PARENT_ID,
      });
      expect(child?.attributes['nestjs.pattern']).toBe('ping');
      expect(root).toMatchObject({
        name: 'EventsGateway.ping',
        traceId: withoutParent.traceId,
        parentSpanId: '',
      });
      expect(proc.stderr()).toBe('');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
