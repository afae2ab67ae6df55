import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { forEachField } from '../../src/export/protobuf-fields.js';

/** What the fake collector does with a request; the default answers 200 and records the spans. */
export type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean;

/** Hex span ids of every span in an OTLP protobuf `ExportTraceServiceRequest`. */
export function spanIdsOf(body: Uint8Array): string[] {
  const ids: string[] = [];
  const inside = (start: number, end: number, field: number, then: (start: number, end: number) => void) =>
    forEachField(body, start, end, (f, _start, valueStart, fieldEnd) => {
      if (f === field) then(valueStart, fieldEnd);
    });
  inside(0, body.length, 1, (rs, rsEnd) =>
    inside(rs, rsEnd, 2, (ss, ssEnd) =>
      inside(ss, ssEnd, 2, (span, spanEnd) =>
        inside(span, spanEnd, 2, (id, idEnd) =>
          ids.push(Buffer.from(body.subarray(id, idEnd)).toString('hex')),
        ),
      ),
    ),
  );
  return ids;
}

/**
 * A plain `node:http` OTLP endpoint on loopback for unit tests: counts spans per request, and lets a test
 * inject a fault per request.
 */
export class FakeCollector {
  readonly spanIds: string[] = [];
  readonly requests: { bytes: number; spans: number; status: number }[] = [];
  behaviour: Behaviour | undefined;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  async start(port = 0): Promise<this> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  /** Resolves once `count` spans in total have been accepted. */
  waitForSpans(count: number): Promise<void> {
    if (this.spanIds.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Stops listening and drops open connections: the port refuses from now on. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (this.behaviour?.(req, res, body)) {
        this.requests.push({ bytes: body.length, spans: -1, status: res.statusCode });
        return;
      }
      const ids = req.headers['content-type'] === 'application/json' ? jsonSpanIds(body) : spanIdsOf(body);
      this.spanIds.push(...ids);
      this.requests.push({ bytes: body.length, spans: ids.length, status: 200 });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      for (const waiter of this.waiters.splice(0)) {
        if (this.spanIds.length >= waiter.count) waiter.resolve();
        else this.waiters.push(waiter);
      }
    });
  }
}

function jsonSpanIds(body: Buffer): string[] {
  const request = JSON.parse(body.toString()) as {
    resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
  };
  return request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)));
}
