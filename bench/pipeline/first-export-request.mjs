// Synchronous main-thread time of the first export request in a fresh process, against a local server:
// `cold` is Node's HTTP client run for the first time (what the first export did before the rehearsal, minus
// the HTTP client instrumentation's wrapper), `rehearsed` is HttpTransport's first send after its constructor
// rehearsed one request in memory (the constructor's time is shown too). Pinned like the harness; run it
// alone on the machine, after `pnpm build`:   node bench/pipeline/first-export-request.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinnedCommand, placement } from '../lib/procs.mjs';

const RUNS = 5;
const transport = fileURLToPath(
  new URL('../../packages/core/dist/cjs/export/http-transport.js', import.meta.url),
);
const child = (mode) => `
const http = require('node:http');
const server = http.createServer((q, s) => q.resume().on('end', () => s.end())).listen(0, '127.0.0.1', async () => {
  const endpoint = 'http://127.0.0.1:' + server.address().port + '/v1/traces';
  const body = Buffer.alloc(3000);
  let ctorMs = null, sendMs;
  if (${JSON.stringify(mode)} === 'cold') {
    const t = performance.now();
    await new Promise((resolve) => {
      const req = new http.ClientRequest({ ...require('node:url').urlToHttpOptions(new URL(endpoint)), method: 'POST',
        agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), signal: new AbortController().signal,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) } },
        (res) => res.resume().on('end', resolve));
      req.write(body); req.end();
      sendMs = performance.now() - t;
    });
  } else {
    const { HttpTransport } = require(${JSON.stringify(transport)});
    let t = performance.now();
    const tr = new HttpTransport({ endpoint, protocol: 'http/protobuf', headers: {}, compression: 'none' });
    ctorMs = performance.now() - t;
    await tr.rehearsed;
    t = performance.now();
    const sent = tr.send([body], 2000, new AbortController().signal);
    sendMs = performance.now() - t;
    await sent;
    tr.destroy();
  }
  console.log(JSON.stringify({ ctorMs, sendMs }));
  server.close();
});`;

const fmt = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms`;
for (const mode of ['cold', 'rehearsed']) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const [cmd, argv] = pinnedCommand(placement.app, process.execPath, ['-e', child(mode)]);
    runs.push(JSON.parse(spawnSync(cmd, argv, { encoding: 'utf8' }).stdout));
  }
  const ctor = mode === 'rehearsed' ? `, constructor with rehearsal ${fmt(runs.map((r) => r.ctorMs))}` : '';
  console.log(`${mode}: first request ${fmt(runs.map((r) => r.sendMs))} synchronous${ctor}`);
}
