'use strict';
// The collector stand-in for the HTTP scenarios: an OTLP/HTTP trace sink in its own process. It counts
// export requests, body bytes and spans (walking the protobuf wire format of ExportTraceServiceRequest,
// or parsing OTLP/JSON), and can play a blackholed collector that reads requests and never answers.
//
// IPC: `counts` -> { requests, bytes, spans, names, otherRequests }, `reset`, `mode` ('up' | 'blackhole'),
// `answer` (what a 200 carries: 'empty' (default) | 'partial-success' (`{"partialSuccess":{}}` in JSON, as
// the Collector answers; empty in protobuf) | 'garbage' (100 KiB of random bytes, a proxy's error page).
//
// BENCH_RECEIVER=cli swaps in @spanwise/cli's startReceiver(), which decodes every span with the official
// schema: a cross-check of the counting here, but heavier on the core it shares with the load generator.
const http = require('node:http');
const zlib = require('node:zlib');

let mode = 'up';
let answer = 'empty';
const GARBAGE = require('node:crypto').randomBytes(100 * 1024);
let counts = fresh();
const held = new Set();

function fresh() {
  return { requests: 0, bytes: 0, spans: 0, names: {}, otherRequests: 0 };
}

function varint(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls onField(fieldNumber, start, end) for each length-delimited field of the message in buf[start,end). */
function eachField(buf, start, end, onField) {
  let pos = start;
  while (pos < end) {
    let tag;
    [tag, pos] = varint(buf, pos);
    const wire = tag & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      onField(tag >>> 3, pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

function countProtobuf(buf) {
  // ExportTraceServiceRequest.resource_spans(1) -> ResourceSpans.scope_spans(2) -> ScopeSpans.spans(2)
  // -> Span.name(5)
  eachField(buf, 0, buf.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachField(buf, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachField(buf, s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return;
        counts.spans++;
        eachField(buf, s3, e3, (f4, s4, e4) => {
          if (f4 === 5) addName(buf.toString('utf8', s4, e4));
        });
      });
    });
  });
}

function countJson(buf) {
  const body = JSON.parse(buf.toString('utf8'));
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        counts.spans++;
        addName(span.name);
      }
    }
  }
}

function answerBody(json) {
  if (answer === 'garbage') return GARBAGE;
  if (answer === 'partial-success' && json) return '{"partialSuccess":{}}';
  return json ? '{}' : '';
}

function addName(name) {
  counts.names[name] = (counts.names[name] ?? 0) + 1;
}

const server = http.createServer((req, res) => {
  // The stock NodeSDK also exports metrics (and may export logs) to the same endpoint: answered, not counted.
  if (!req.url.startsWith('/v1/traces')) {
    counts.otherRequests++;
    req.resume();
    req.on('end', () => res.writeHead(200).end());
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    counts.requests++;
    counts.bytes += body.length;
    if (mode === 'blackhole') {
      held.add(res);
      return;
    }
    try {
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const json = String(req.headers['content-type']).includes('json');
      if (json) countJson(body);
      else countProtobuf(body);
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(answerBody(json));
    } catch (err) {
      res.writeHead(400).end(String(err));
    }
  });
});
server.keepAliveTimeout = 60_000;

const handlers = {
  counts: () => counts,
  reset: () => {
    counts = fresh();
  },
  answer: (a) => {
    answer = a;
  },
  mode: (m) => {
    mode = m;
    if (mode === 'up') {
      for (const res of held) res.destroy();
      held.clear();
    }
  },
};

process.on('message', (msg) => {
  const body = handlers[msg.cmd](msg.mode);
  process.send({ id: msg.id, ...body });
});
process.on('disconnect', () => process.exit(0));

function startSink() {
  server.listen(0, '127.0.0.1', () => {
    process.send({ ready: server.address().port });
  });
}

async function startCli() {
  const receiver = await require('@spanwise/cli').startReceiver();
  handlers.counts = () => {
    const names = {};
    for (const span of receiver.spans) names[span.name] = (names[span.name] ?? 0) + 1;
    const bytes = receiver.requests.reduce((sum, r) => sum + r.bodyBytes, 0);
    return { requests: receiver.requests.length, bytes, spans: receiver.spans.length, names };
  };
  handlers.reset = () => receiver.clear();
  handlers.mode = (m) => receiver.setFault(m === 'blackhole' ? { type: 'hang' } : { type: 'ok' });
  process.send({ ready: receiver.port });
}

if (process.env.BENCH_RECEIVER === 'cli') {
  startCli().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else startSink();
