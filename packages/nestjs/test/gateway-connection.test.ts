import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { connectionContext, watchGatewayConnections } from '../src/gateway-connection.js';
import { setupTracing } from './support/otel.js';

setupTracing();

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const parentOf = (client: unknown) => trace.getSpanContext(connectionContext(client));

describe('the context a WebSocket client connected with', () => {
  it('socket.io: the handshake headers, else its query; a bad or absent one is a root', () => {
    expect(parentOf({ handshake: { headers: { traceparent: TRACEPARENT }, query: {} } })).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      isRemote: true,
    });
    expect(parentOf({ handshake: { headers: {}, query: { traceparent: TRACEPARENT } } })?.traceId).toBe(
      TRACE_ID,
    );
    expect(parentOf({ handshake: { headers: { traceparent: '00-zz-yy-01' } } })).toBeUndefined();
    expect(connectionContext({})).toBe(ROOT_CONTEXT);
    expect(connectionContext(null)).toBe(ROOT_CONTEXT);
  });

  it('other adapters: the upgrade request handed to the connection callback, headers or query', () => {
    const connected: unknown[][] = [];
    const adapter = {
      bindClientConnect(_server: unknown, callback: (...args: unknown[]) => void) {
        connected.push([]);
        callback(clientA, { headers: { traceparent: TRACEPARENT }, url: '/ws' });
        callback(clientB, { headers: {}, url: `/ws?traceparent=${TRACEPARENT}` });
        callback(clientC, { headers: {}, url: '/ws' });
      },
    };
    const clientA = {};
    const clientB = {};
    const clientC = {};
    const config = { getIoAdapter: () => adapter };
    watchGatewayConnections(config);
    watchGatewayConnections(config);
    config.getIoAdapter().bindClientConnect(undefined, () => {});
    expect(connected).toHaveLength(1);
    expect(parentOf(clientA)?.spanId).toBe(SPAN_ID);
    expect(parentOf(clientB)?.spanId).toBe(SPAN_ID);
    expect(parentOf(clientC)).toBeUndefined();
  });
});
