import { request } from 'node:http';
import { otlpSchema } from '../src/receiver/otlp-schema.js';

/** What came back from a POST, or the socket error code when none did. */
export interface PostResult {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer;
  error?: string;
}

/** POSTs with a fresh connection (no keep-alive pool), optionally giving up after `timeoutMs`. */
export function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  timeoutMs?: number,
): Promise<PostResult> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(body);
  });
}

/** Encodes an ExportTraceServiceRequest, given in protobufjs object form, with the official schema. */
export function encodeProtobuf(object: Record<string, unknown>): Buffer {
  const { request: type } = otlpSchema();
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}

export const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
export const JSON_TYPE = { 'Content-Type': 'application/json' };

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** A request with one span of the given name, as OTLP/JSON. */
export function oneSpanJson(name: string, spanId = 'eee19b7ec3c1b174'): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              { traceId: TRACE_ID, spanId, name, kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' },
            ],
          },
        ],
      },
    ],
  };
}

/** The same request as {@link oneSpanJson}, as protobuf. */
export function oneSpanProtobuf(name: string, spanId = 'eee19b7ec3c1b174'): Buffer {
  const json = oneSpanJson(name, spanId);
  const span = (json as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] })
    .resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  span.traceId = Buffer.from(TRACE_ID, 'hex');
  span.spanId = Buffer.from(spanId, 'hex');
  return encodeProtobuf(json);
}
