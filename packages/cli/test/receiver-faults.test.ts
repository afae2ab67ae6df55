import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../src/index.js';
import { startReceiver } from '../src/index.js';
import { otlpSchema } from '../src/receiver/otlp-schema.js';
import { JSON_TYPE, oneSpanJson, oneSpanProtobuf, PROTOBUF, post } from './otlp-client.js';

describe('OTLP receiver faults (real sockets)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('refuses connections after stop() and serves on the same port after listen()', async () => {
    const { port, endpoint } = receiver;
    await receiver.stop();
    expect((await post(endpoint, oneSpanProtobuf('down'), PROTOBUF)).error).toBe('ECONNREFUSED');
    await receiver.listen();
    expect(receiver.port).toBe(port);
    expect((await post(endpoint, oneSpanProtobuf('up'), PROTOBUF)).status).toBe(200);
    await receiver.stop();
    await receiver.listen();
    expect((await post(endpoint, oneSpanProtobuf('up again'), PROTOBUF)).status).toBe(200);
    expect(receiver.spans.map((span) => span.name)).toEqual(['up', 'up again']);
  });

  it('partial and body: answer 200 with a partial success or the given bytes, and keep the spans', async () => {
    receiver.setFault({ type: 'partial', rejectedSpans: 3, errorMessage: 'bad' });
    const proto = await post(receiver.endpoint, oneSpanProtobuf('p'), PROTOBUF);
    const { response } = otlpSchema();
    expect(response.toObject(response.decode(proto.body!), { longs: Number })).toEqual({
      partialSuccess: { rejectedSpans: 3, errorMessage: 'bad' },
    });
    const json = await post(receiver.endpoint, JSON.stringify(oneSpanJson('j')), JSON_TYPE);
    expect(JSON.parse(json.body!.toString())).toEqual({
      partialSuccess: { rejectedSpans: '3', errorMessage: 'bad' },
    });
    receiver.setFault({ type: 'body', body: '<html>proxy</html>', contentType: 'text/html' });
    const html = await post(receiver.endpoint, oneSpanProtobuf('h'), PROTOBUF);
    expect([html.status, html.headers?.['content-type'], html.body?.toString()]).toEqual([
      200,
      'text/html',
      '<html>proxy</html>',
    ]);
    expect(receiver.spans.map((span) => span.name)).toEqual(['p', 'j', 'h']);
    expect(() => receiver.setFault({ type: 'partial', rejectedSpans: -1 })).toThrow(RangeError);
  });

  it('hang: reads the request and never answers, until stop() drops the connection', async () => {
    receiver.setFault({ type: 'hang' });
    const timedOut = await post(receiver.endpoint, oneSpanProtobuf('hung'), PROTOBUF, 200);
    expect(timedOut.error).toBe('client timeout');
    expect(receiver.requests).toEqual([expect.objectContaining({ spanCount: 1, status: 0 })]);
    expect(receiver.spans).toHaveLength(0);

    const pending = post(receiver.endpoint, oneSpanProtobuf('hung'), PROTOBUF);
    await receiver.waitForRequests(2);
    await receiver.stop();
    expect((await pending).error).toBe('ECONNRESET');
  });

  it('delay: answers 200 no sooner than asked, and ignores spans of a client that gave up', async () => {
    receiver.setFault({ type: 'delay', ms: 300 });
    const started = performance.now();
    const result = await post(receiver.endpoint, oneSpanProtobuf('slow'), PROTOBUF);
    expect(result.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.spans.map((span) => span.name)).toEqual(['slow']);

    receiver.setFault({ type: 'delay', ms: 100 });
    const abandoned = await post(receiver.endpoint, oneSpanProtobuf('abandoned'), PROTOBUF, 10);
    expect(abandoned.error).toBe('client timeout');
    // Timers fire in order, so the abandoned request's 100 ms timer has fired once this 200 ms one has.
    receiver.setFault({ type: 'delay', ms: 200 });
    expect((await post(receiver.endpoint, oneSpanProtobuf('next'), PROTOBUF)).status).toBe(200);
    expect(receiver.requests.map((request) => [request.spanCount, request.status])).toEqual([
      [1, 200],
      [1, 0],
      [1, 200],
    ]);
    expect(receiver.spans.map((span) => span.name)).toEqual(['slow', 'next']);
  });

  it('status: answers the status with Retry-After `times` times, then 200 again', async () => {
    receiver.setFault({ type: 'status', status: 503, retryAfter: '1', times: 2 });
    const first = await post(receiver.endpoint, oneSpanProtobuf('a'), PROTOBUF);
    const second = await post(receiver.endpoint, oneSpanProtobuf('a'), PROTOBUF);
    const third = await post(receiver.endpoint, oneSpanProtobuf('a'), PROTOBUF);
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers?.['retry-after']).toBe('1');
    expect(third.headers?.['retry-after']).toBeUndefined();
    expect(receiver.requests.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(receiver.spans).toHaveLength(1);
  });

  it('status without times keeps failing until the fault is changed', async () => {
    receiver.setFault({ type: 'status', status: 429 });
    for (let i = 0; i < 3; i++)
      expect((await post(receiver.endpoint, oneSpanProtobuf('x'), PROTOBUF)).status).toBe(429);
    receiver.setFault({ type: 'ok' });
    expect((await post(receiver.endpoint, oneSpanProtobuf('x'), PROTOBUF)).status).toBe(200);
  });

  it('destroy: resets the connection after reading the request', async () => {
    receiver.setFault({ type: 'destroy' });
    const result = await post(receiver.endpoint, oneSpanProtobuf('reset'), PROTOBUF);
    expect(result.error).toBe('ECONNRESET');
    expect(receiver.requests).toEqual([expect.objectContaining({ spanCount: 1, status: 0 })]);
    expect(receiver.spans).toHaveLength(0);
  });

  it('records a request whose client went away mid-body, and keeps serving', async () => {
    const { request } = await import('node:http');
    // 100-continue: the server's answer proves its handler is reading this request's body.
    const req = request(receiver.endpoint, {
      method: 'POST',
      headers: { ...PROTOBUF, 'Content-Length': '1000', Expect: '100-continue' },
      agent: false,
    });
    req.on('error', () => {});
    req.flushHeaders();
    await new Promise((resolve) => req.once('continue', resolve));
    const recorded = receiver.waitForRequests(1);
    req.write(Buffer.alloc(10), () => req.destroy());
    expect(await recorded).toEqual([expect.objectContaining({ status: 0, spanCount: 0, bodyBytes: 0 })]);
    expect((await post(receiver.endpoint, oneSpanProtobuf('after'), PROTOBUF)).status).toBe(200);
  });

  it('rejects faults that make no sense', () => {
    expect(() => receiver.setFault({ type: 'delay', ms: -1 })).toThrow(RangeError);
    expect(() => receiver.setFault({ type: 'status', status: 42 })).toThrow(RangeError);
    expect(() => receiver.setFault({ type: 'status', status: 503, times: 0 })).toThrow(RangeError);
  });

  it('listen() after close() rejects', async () => {
    await receiver.close();
    await expect(receiver.listen()).rejects.toThrow('the receiver is closed');
  });
});
