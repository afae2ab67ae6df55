import { request } from 'node:http';

/** What test/fixtures/core/propagation-echo-app.cjs answers for GET /outer. */
export interface EchoReply {
  traceId?: string;
  spanId?: string;
  sampled?: boolean;
  parentSpanId?: string;
  baggage: [string, string][];
  prototypeClean: boolean;
  /** The headers the app's own outgoing call carried, as its /inner route received them. */
  outgoing: Record<string, string>;
}

/** GET /outer with `headers` (a value array sends the header once per element), parsed. */
export function getEcho(port: string, headers: Record<string, string | string[]>): Promise<EchoReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/outer', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        else resolve(JSON.parse(body) as EchoReply);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const ZERO = /^0+$/;
const id = (value: string | undefined, length: number) =>
  value !== undefined && value.length === length && /^[0-9a-f]+$/.test(value) && !ZERO.test(value);

/**
 * The propagation headers in `headers` that are not valid for their format, as `name: value` lines
 * (empty when all are valid): what a W3C, B3, Jaeger or OpenTracing reader downstream would reject.
 */
export function invalidPropagationHeaders(headers: Record<string, string>): string[] {
  const bad: string[] = [];
  const check = (name: string, valid: (value: string) => boolean) => {
    const value = headers[name];
    if (value !== undefined && !valid(value)) bad.push(`${name}: ${value}`);
  };
  check('traceparent', (v) => {
    const [version, traceId, spanId, flags, ...rest] = v.split('-');
    return (
      version === '00' &&
      id(traceId, 32) &&
      id(spanId, 16) &&
      /^0[01]$/.test(flags ?? '') &&
      rest.length === 0
    );
  });
  check('b3', (v) => {
    const [traceId, spanId, state, ...rest] = v.split('-');
    return id(traceId, 32) && id(spanId, 16) && ['0', '1', 'd'].includes(state ?? '') && rest.length === 0;
  });
  check('x-b3-traceid', (v) => id(v, 32));
  check('x-b3-spanid', (v) => id(v, 16));
  check('x-b3-sampled', (v) => v === '0' || v === '1');
  check('x-b3-flags', (v) => v === '1');
  check('uber-trace-id', (v) => {
    const [traceId, spanId, parent, flags, ...rest] = v.split(':');
    return (
      id(traceId, 32) && id(spanId, 16) && parent === '0' && /^0[0-3]$/.test(flags ?? '') && rest.length === 0
    );
  });
  check('ot-tracer-traceid', (v) => id(v, 16) || id(v, 32));
  check('ot-tracer-spanid', (v) => id(v, 16));
  check('ot-tracer-sampled', (v) => v === 'true' || v === 'false');
  return bad;
}
