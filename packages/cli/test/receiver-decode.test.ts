import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../src/index.js';
import { startReceiver } from '../src/index.js';
import { otlpSchema } from '../src/receiver/otlp-schema.js';
import { encodeProtobuf, JSON_TYPE, oneSpanJson, oneSpanProtobuf, PROTOBUF, post } from './otlp-client.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ROOT = 'b7ad6b7169203331';
const CHILD = '00f067aa0ba902b7';
const LINKED = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Every attribute type; `big` is past Number.MAX_SAFE_INTEGER. */
const ATTRIBUTES_JSON = [
  { key: 'str', value: { stringValue: 'hello' } },
  { key: 'bool', value: { boolValue: true } },
  { key: 'int', value: { intValue: '42' } },
  { key: 'big', value: { intValue: '9007199254740993' } },
  { key: 'neg', value: { intValue: '-7' } },
  { key: 'double', value: { doubleValue: 1.5 } },
  { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
  { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: false } }] } } },
  { key: 'bytes', value: { bytesValue: Buffer.from([1, 2, 255]).toString('base64') } },
];

const EXPECTED_ATTRIBUTES = {
  str: 'hello',
  bool: true,
  int: 42,
  big: 9007199254740993n,
  neg: -7,
  double: 1.5,
  array: ['a', 1],
  map: { inner: false },
  bytes: Buffer.from([1, 2, 255]),
};

/** A two-span trace in OTLP/JSON, with every field the receiver maps. */
function traceJson(): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
        scopeSpans: [
          {
            scope: { name: '@spanwise/nestjs', version: '0.1.0' },
            spans: [
              {
                traceId: TRACE,
                spanId: ROOT,
                parentSpanId: '',
                traceState: 'vendor=1',
                name: 'GET /orders/:id',
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000250000000',
                attributes: ATTRIBUTES_JSON,
                droppedAttributesCount: 1,
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: '1700000000100000000',
                    attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }],
                  },
                ],
                droppedEventsCount: 2,
                links: [
                  {
                    traceId: LINKED,
                    spanId: CHILD,
                    traceState: 'x=y',
                    attributes: [{ key: 'link.kind', value: { stringValue: 'follows' } }],
                    flags: 1,
                  },
                ],
                droppedLinksCount: 3,
                status: { code: 2, message: 'failed' },
                flags: 257,
              },
              {
                traceId: TRACE,
                spanId: CHILD,
                parentSpanId: ROOT,
                name: 'OrdersService.find',
                kind: 1,
                startTimeUnixNano: '1700000000010000000',
                endTimeUnixNano: '1700000000200000000',
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The same trace as protobufjs object form: ids as bytes, the rest protobufjs takes as is. */
function traceProtoObject(): Record<string, unknown> {
  const json = traceJson() as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  for (const span of json.resourceSpans[0]!.scopeSpans[0]!.spans) {
    for (const key of ['traceId', 'spanId', 'parentSpanId']) {
      if (typeof span[key] === 'string') span[key] = Buffer.from(span[key] as string, 'hex');
    }
    for (const link of (span.links ?? []) as Record<string, unknown>[]) {
      link.traceId = Buffer.from(link.traceId as string, 'hex');
      link.spanId = Buffer.from(link.spanId as string, 'hex');
    }
  }
  return json;
}

function expectTheTrace(receiver: Receiver): void {
  const [root, child] = receiver.spans;
  expect(receiver.spans).toHaveLength(2);
  expect(root).toEqual({
    traceId: TRACE,
    spanId: ROOT,
    parentSpanId: '',
    traceState: 'vendor=1',
    name: 'GET /orders/:id',
    kind: 2,
    startTimeUnixNano: 1700000000000000000n,
    endTimeUnixNano: 1700000000250000000n,
    attributes: EXPECTED_ATTRIBUTES,
    status: { code: 2, message: 'failed' },
    events: [
      { name: 'exception', timeUnixNano: 1700000000100000000n, attributes: { 'exception.message': 'boom' } },
    ],
    links: [
      { traceId: LINKED, spanId: CHILD, traceState: 'x=y', attributes: { 'link.kind': 'follows' }, flags: 1 },
    ],
    droppedAttributesCount: 1,
    droppedEventsCount: 2,
    droppedLinksCount: 3,
    flags: 257,
    resource: { 'service.name': 'orders' },
    scope: { name: '@spanwise/nestjs', version: '0.1.0' },
  });
  expect(child).toMatchObject({ traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, kind: 1, traceState: '' });
  expect(child?.attributes).toEqual({});
  expect(child?.status).toEqual({ code: 0, message: '' });
  expect(child).not.toHaveProperty('flags');
  // Spans sent under one resource share it.
  expect(child?.resource).toBe(root?.resource);
}

describe('OTLP receiver decoding', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver({ maxBodyBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('listens on an ephemeral loopback port', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.endpoint).toBe(`${receiver.url}/v1/traces`);
  });

  it('decodes http/protobuf with the official schema and answers an empty protobuf response', async () => {
    const body = encodeProtobuf(traceProtoObject());
    const result = await post(receiver.endpoint, body, PROTOBUF);
    expect(result.status).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/x-protobuf');
    const { response } = otlpSchema();
    expect(response.toObject(response.decode(result.body!))).toEqual({});
    expectTheTrace(receiver);
    expect(receiver.requests).toEqual([
      expect.objectContaining({
        contentType: 'application/x-protobuf',
        contentEncoding: '',
        bodyBytes: body.length,
        spanCount: 2,
        status: 200,
      }),
    ]);
  });

  it('decodes http/json (hex ids, string int64s) to the same spans and answers JSON', async () => {
    const result = await post(receiver.endpoint, JSON.stringify(traceJson()), JSON_TYPE);
    expect(result.status).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(result.body!.toString())).toEqual({});
    expectTheTrace(receiver);
  });

  it('inflates gzip bodies of both encodings', async () => {
    const protobufBody = gzipSync(oneSpanProtobuf('zipped-protobuf'));
    const jsonBody = gzipSync(JSON.stringify(oneSpanJson('zipped-json')));
    expect(
      (await post(receiver.endpoint, protobufBody, { ...PROTOBUF, 'Content-Encoding': 'gzip' })).status,
    ).toBe(200);
    expect(
      (await post(receiver.endpoint, jsonBody, { ...JSON_TYPE, 'Content-Encoding': 'gzip' })).status,
    ).toBe(200);
    expect(receiver.spans.map((span) => span.name)).toEqual(['zipped-protobuf', 'zipped-json']);
    expect(receiver.requests.map((request) => [request.contentEncoding, request.bodyBytes])).toEqual([
      ['gzip', protobufBody.length],
      ['gzip', jsonBody.length],
    ]);
  });

  it('reads spans sent under the deprecated instrumentation_library_spans', async () => {
    const json = oneSpanJson('legacy') as { resourceSpans: Record<string, unknown>[] };
    const [resourceSpans] = json.resourceSpans;
    const [scopeSpans] = resourceSpans!.scopeSpans as Record<string, unknown>[];
    resourceSpans!.instrumentationLibrarySpans = [
      { instrumentationLibrary: { name: 'old-lib', version: '1' }, spans: scopeSpans!.spans },
    ];
    delete resourceSpans!.scopeSpans;
    expect((await post(receiver.endpoint, JSON.stringify(json), JSON_TYPE)).status).toBe(200);
    expect(receiver.spans[0]).toMatchObject({ name: 'legacy', scope: { name: 'old-lib', version: '1' } });
  });

  it.each([
    ['protobuf garbage', 'this is not protobuf', PROTOBUF],
    ['malformed JSON', '{"resourceSpans": [', JSON_TYPE],
    ['JSON of the wrong shape', '{"resourceSpans": "nope"}', JSON_TYPE],
    ['a non-hex id', JSON.stringify(oneSpanJson('bad', 'zz')), JSON_TYPE],
    ['a body that is not gzip', 'plain', { ...JSON_TYPE, 'Content-Encoding': 'gzip' }],
  ])('answers 400 to %s and keeps serving', async (_what, body, headers) => {
    const bad = await post(receiver.endpoint, body, headers);
    expect(bad.status).toBe(400);
    expect(receiver.requests[0]).toMatchObject({ status: 400, spanCount: 0 });
    expect((await post(receiver.endpoint, oneSpanProtobuf('after'), PROTOBUF)).status).toBe(200);
    expect(receiver.spans.map((span) => span.name)).toEqual(['after']);
  });

  it('answers 413 past maxBodyBytes, raw or inflated, and keeps serving', async () => {
    const huge = await post(receiver.endpoint, Buffer.alloc(200 * 1024, 1), PROTOBUF);
    expect(huge.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const zipped = await post(receiver.endpoint, bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(zipped.status).toBe(413);
    expect(receiver.requests.map((request) => request.status)).toEqual([413, 413]);
    expect((await post(receiver.endpoint, oneSpanProtobuf('after'), PROTOBUF)).status).toBe(200);
    expect(receiver.spans).toHaveLength(1);
  });

  it('answers 413 to a chunked body that grows past the limit', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(receiver.endpoint, { method: 'POST', headers: PROTOBUF, agent: false }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', reject);
      // No Content-Length: the limit is enforced while reading.
      req.write(Buffer.alloc(40 * 1024, 1));
      req.write(Buffer.alloc(40 * 1024, 1));
    });
    expect(status).toBe(413);
    expect((await post(receiver.endpoint, oneSpanProtobuf('after'), PROTOBUF)).status).toBe(200);
  });

  it('answers 404 off the traces path, 405 to other methods and 415 to other content types', async () => {
    expect((await post(`${receiver.url}/v1/metrics`, oneSpanProtobuf('x'), PROTOBUF)).status).toBe(404);
    const get = await fetch(receiver.endpoint);
    expect(get.status).toBe(405);
    await get.body?.cancel();
    expect((await post(receiver.endpoint, 'x', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post(receiver.endpoint, 'x', { ...PROTOBUF, 'Content-Encoding': 'br' })).status).toBe(415);
    expect(receiver.spans).toHaveLength(0);
  });

  it('waitForSpans resolves on arrival, and rejects with the count on timeout', async () => {
    const waiting = receiver.waitForSpans(2);
    await post(receiver.endpoint, oneSpanProtobuf('first'), PROTOBUF);
    await post(receiver.endpoint, oneSpanProtobuf('second'), PROTOBUF);
    expect((await waiting).map((span) => span.name)).toEqual(['first', 'second']);
    await expect(receiver.waitForSpans(3, 50)).rejects.toThrow(
      'timed out after 50 ms waiting for 3 spans; received 2',
    );
    receiver.clear();
    expect(receiver.spans).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('close() rejects pending waits', async () => {
    const waiting = receiver.waitForSpans(1);
    await receiver.close();
    await expect(waiting).rejects.toThrow('the receiver was closed while waiting for 1 spans; received 0');
  });
});
