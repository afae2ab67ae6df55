'use strict';
// A paced load generator, in its own process: requests at evenly spaced times (open loop), so the app sees a
// steady stream. autocannon's `overallRate` is not that: each connection sends its share of the second's
// requests back to back as soon as the second starts, then waits for the next second, so the app gets one
// burst per second, and the event-loop delay it shows is the burst (requests per loop turn × cost per
// request), not a stall.
// argv[2] is a JSON object: { url, connections, durationS, rate }. Result as one JSON line, in the shape of
// load.cjs's. Latency is counted from when a request was due, not from when it went out, so a stalled app
// is not flattered by requests that could not be sent meanwhile.
const http = require('node:http');

const { url, connections, durationS, rate } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const intervalMs = 1000 / rate;
const total = Math.round(durationS * rate);
const latencies = [];
let sent = 0;
let done = 0;
let non2xx = 0;
let errors = 0;
const start = performance.now();

function send(dueAt) {
  const req = http.get(url, { agent }, (res) => {
    if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
    res.resume();
    res.on('end', () => settle(dueAt));
  });
  req.on('error', () => {
    errors++;
    settle(dueAt);
  });
}

function settle(dueAt) {
  latencies.push(performance.now() - dueAt);
  if (++done === total) report();
}

/** Sends every request due by now, then sleeps until the next one is due. */
function tick() {
  const now = performance.now();
  while (sent < total && start + sent * intervalMs <= now) send(start + sent++ * intervalMs);
  if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
}

function percentile(sorted, p) {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report() {
  const elapsedS = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const out = {
    rps: done / elapsedS,
    total: done,
    latencyP50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    latencyP99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    non2xx,
    errors,
    timeouts: 0,
  };
  agent.destroy();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

tick();
