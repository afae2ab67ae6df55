// A minimal OTLP/HTTP sink for the pipeline bench, run in its own process so that it does not compete with
// the exporter under test for its core: reads each body, answers 200 with an empty response.
import http from 'node:http';

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'x-bytes': String(bytes) }).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
