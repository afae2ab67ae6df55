// A tiny traced service: GET /hello calls GET /greeting on itself, so one request makes a three-span trace.
const http = require('node:http');
const { trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('hello');
const server = http.createServer((req, res) => {
  if (req.url === '/greeting') {
    tracer.startActiveSpan('compose greeting', (span) => {
      span.setAttribute('greeting.language', 'en');
      res.end('hello, world');
      span.end();
    });
    return;
  }
  http.get({ host: '127.0.0.1', port: server.address().port, path: '/greeting' }, (inner) => inner.pipe(res));
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
