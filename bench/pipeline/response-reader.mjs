// What reading an export response costs on the main thread: Spanwise's bounded reader on the answers a
// collector gives and on hostile bodies at the read limit, against JSON.parse on the same hostile JSON, and
// against the first use of @opentelemetry/otlp-transformer's deserializer (which loads that package), the
// cost the reader replaces. Run after `pnpm build`: node bench/pipeline/response-reader.mjs [iterations]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const core = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { readExportResponse, MAX_RESPONSE_BYTES } = core('./dist/cjs/export/otlp-response-reader.js');
const iterations = Number(process.argv[2] ?? 2000);

const half = MAX_RESPONSE_BYTES / 2;
const bodies = {
  'protobuf: empty response': [Buffer.alloc(0), 'http/protobuf'],
  'protobuf: rejected_spans 3, error_message': [
    Buffer.from([0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]),
    'http/protobuf',
  ],
  'JSON: {"partialSuccess":{}}': [Buffer.from('{"partialSuccess":{}}'), 'http/json'],
  'protobuf: 16 KiB of random bytes': [randomBytes(MAX_RESPONSE_BYTES), 'http/protobuf'],
  'JSON: 16 KiB of nested brackets': [
    Buffer.from(`{"a":${'['.repeat(half - 3)}${']'.repeat(half - 3)}}`),
    'http/json',
  ],
  'JSON: 16 KiB object of 1,400 keys': [
    Buffer.from(
      `{${Array.from({ length: 1400 }, (_, i) => `"k${i}":[${i}]`).join(',')}}`
        .slice(0, MAX_RESPONSE_BYTES - 1)
        .replace(/,[^,]*$/, '}'),
    ),
    'http/json',
  ],
  'over the limit: 100 KiB (skipped unread)': [randomBytes(100 * 1024), 'http/protobuf'],
};

function timeUs(fn) {
  for (let i = 0; i < 50; i++) fn();
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], max: times[times.length - 1] };
}

const fmt = (t) => `median ${t.median.toFixed(1)} µs, max ${t.max.toFixed(1)} µs`;
for (const [name, [body, protocol]] of Object.entries(bodies)) {
  console.log(`${name} (${body.length} B): reader ${fmt(timeUs(() => readExportResponse(body, protocol)))}`);
  if (protocol === 'http/json' && body.length > 100) {
    console.log(`  JSON.parse of the same body: ${fmt(timeUs(() => JSON.parse(body.toString())))}`);
  }
}
// A fresh process each time: the load is paid once per process, on the first non-empty 2xx answer.
const firstUse = [];
for (let i = 0; i < 5; i++) {
  const script = `require('@opentelemetry/sdk-trace');const s=process.hrtime.bigint();require('@opentelemetry/otlp-transformer').ProtobufTraceSerializer.deserializeResponse(Buffer.from([0x0a,0]));console.log(Number(process.hrtime.bigint()-s)/1e6)`;
  const out = spawnSync(process.execPath, ['-e', script], {
    cwd: new URL('../../packages/core/', import.meta.url),
    encoding: 'utf8',
  });
  firstUse.push(Number(out.stdout.trim()));
}
console.log(
  `otlp-transformer deserializeResponse, first use in a fresh process (loads the package): ${firstUse.map((x) => x.toFixed(0)).join(', ')} ms`,
);
