// An Express 5 app as an ES module ("type": "module"). `import express from 'express'` is instrumented by the
// register hook's import hooks, loaded before this file with either flag:
//   node --import @spanwise/core/register app.js
// GET /quote/:symbol fetches GET /price/:symbol from this same server (global fetch), so one request makes
// a trace with the server span, the Express handler, the fetch CLIENT span and the inner request.
import { trace } from '@opentelemetry/api';
import express from 'express';

const tracer = trace.getTracer('esm-app');
const app = express();

app.get('/price/:symbol', (req, res) => {
  res.json({ symbol: req.params.symbol, price: 101.5 });
});

app.get('/quote/:symbol', async (req, res) => {
  const { port } = server.address();
  const { price } = await (await fetch(`http://127.0.0.1:${port}/price/${req.params.symbol}`)).json();
  // A span of your own: active inside the callback, ended by you.
  const quote = tracer.startActiveSpan('apply spread', (span) => {
    span.setAttribute('quote.symbol', req.params.symbol);
    const ask = Math.round(price * 1.01 * 100) / 100;
    span.end();
    return ask;
  });
  res.json({ symbol: req.params.symbol, ask: quote });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`),
);
