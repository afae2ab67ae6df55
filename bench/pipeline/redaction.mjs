// Query and URL redaction: what Spanwise pays per span for `url.query` / `url.full`, against the
// URLSearchParams way (parse, `has` per listed name, re-serialise) that @opentelemetry/instrumentation-http
// uses for its exact-name `redactedQueryParams`, given the same list in lower case. Also the redacting tracer
// every instrumentation gets: startSpan through it against startSpan on the tracer it wraps, with the
// attributes of an HTTP client span. Interleaved rounds; prints ns per call (median).
//
//   node bench/pipeline/redaction.mjs [rounds=6] [callsPerRound=1000000]
import { createRequire } from 'node:module';
import { median } from '../lib/stats.mjs';

const core = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { DEFAULT_REDACTED_QUERY_PARAMS, UrlRedactor } = core('./dist/cjs/instrumentations/url-redactor.js');
const { RedactingTracerProvider } = core('./dist/cjs/instrumentations/redacting-tracer-provider.js');

const rounds = Number(process.argv[2] ?? 6);
const calls = Number(process.argv[3] ?? 1_000_000);
const redactor = new UrlRedactor(DEFAULT_REDACTED_QUERY_PARAMS);
const lowerNames = DEFAULT_REDACTED_QUERY_PARAMS.map((name) => name.toLowerCase());

function searchParamsRedact(query) {
  const params = new URLSearchParams(query);
  for (const name of lowerNames) if (params.has(name)) params.set(name, 'REDACTED');
  return params.toString();
}

const span = { end() {} };
const plainTracer = { startSpan: () => span };
const redactingTracer = new RedactingTracerProvider({ getTracer: () => plainTracer }, redactor).getTracer(
  'b',
);
const clientOptions = (url) => ({
  kind: 3,
  attributes: { 'http.request.method': 'GET', 'server.address': 'api', 'server.port': 8080, 'url.full': url },
});

const URL_PLAIN = 'http://api.internal:8080/orders/42';
const URL_QUERY = 'http://api.internal:8080/orders?page=2&sort=asc&fields=id,total';
const URL_SECRET = 'http://api.internal:8080/orders?page=2&access_token=eyJhbGciOi&sort=asc';
const cases = {
  'query, none secret: Spanwise': () => redactor.redactQuery('page=2&sort=asc&fields=id,total'),
  'query, none secret: URLSearchParams': () => searchParamsRedact('page=2&sort=asc&fields=id,total'),
  'query, one secret: Spanwise': () => redactor.redactQuery('page=2&access_token=eyJhbGciOi&sort=asc'),
  'query, one secret: URLSearchParams': () => searchParamsRedact('page=2&access_token=eyJhbGciOi&sort=asc'),
  'url.full, no query: Spanwise': () => redactor.redactUrl(URL_PLAIN),
  'url.full, one secret: Spanwise': () => redactor.redactUrl(URL_SECRET),
  'startSpan, no query: plain tracer': () => plainTracer.startSpan('GET', clientOptions(URL_PLAIN)),
  'startSpan, no query: redacting tracer': () => redactingTracer.startSpan('GET', clientOptions(URL_PLAIN)),
  'startSpan, query: plain tracer': () => plainTracer.startSpan('GET', clientOptions(URL_QUERY)),
  'startSpan, query: redacting tracer': () => redactingTracer.startSpan('GET', clientOptions(URL_QUERY)),
};

let check = 0;
function time(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const out = fn();
    check += typeof out === 'string' ? out.length : 1;
  }
  return Number(process.hrtime.bigint() - start) / calls;
}

const names = Object.keys(cases);
const ns = Object.fromEntries(names.map((name) => [name, []]));
for (const name of names) time(cases[name]);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const name of order) ns[name].push(time(cases[name]));
}
console.log(`ns per call (median of ${rounds} rounds of ${calls}):`);
for (const name of names) console.log(`  ${name.padEnd(40)} ${median(ns[name]).toFixed(0)}`);
console.log(`(checksum ${check % 997})`);
