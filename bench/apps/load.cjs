'use strict';
// The load generator, in its own process: autocannon against the app, result as one JSON line.
// argv[2] is a JSON object: { url, connections, durationS, rate? }. Without `rate` the connections send as
// fast as the app answers; with it, autocannon holds the whole run at `rate` requests per second.
const autocannon = require('autocannon');

const { url, connections, durationS, rate } = JSON.parse(process.argv[2]);
const options = { url, connections, duration: durationS, pipelining: 1 };
if (rate) options.overallRate = rate;
autocannon(options, (err, r) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  const out = {
    rps: r.requests.average,
    total: r.requests.total,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
});
