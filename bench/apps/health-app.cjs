'use strict';
// Child of bench/health/ignored-request.mjs: a plain node:http server answering GET /health with "ok", so
// the difference between set-ups is tracing's own cost per request. Sends { ready: port } over IPC, answers
// { id, cmd: 'cpu' } with its CPU time so far (process.cpuUsage, µs) and exits on { cmd: 'exit' }.
const http = require('node:http');

const server = http.createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => process.send({ ready: server.address().port }));
process.on('message', (msg) => {
  if (msg?.cmd === 'exit') process.exit(0);
  if (msg?.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ id: msg.id, cpuUs: user + system });
  }
});
