// Ended spans shaped like a NestJS request (HTTP server span, handler span, a DB client span), made once
// and fed to each setup under test.
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';

export function makeSpans(count) {
  const ended = [];
  const collect = {
    onStart() {},
    onEnd: (span) => ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders',
      'service.version': '1.4.2',
      'deployment.environment.name': 'production',
      'host.name': 'orders-7d9f8c6b5-x2x9q',
      'process.pid': 4242,
    }),
    spanProcessors: [collect],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.301.0');
  const nest = provider.getTracer('@spanwise/nestjs', '0.1.0');
  const pg = provider.getTracer('@opentelemetry/instrumentation-pg', '0.77.0');
  for (let i = 0; i * 3 < count; i++) {
    http
      .startSpan('GET /orders/:id', {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/orders/:id',
          'url.path': `/orders/${i}`,
          'url.scheme': 'http',
          'http.response.status_code': 200,
          'server.address': 'orders.internal',
          'server.port': 8080,
          'network.protocol.version': '1.1',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench',
          'client.address': '10.0.0.12',
        },
      })
      .end();
    nest.startSpan('OrdersController.findOne', { attributes: { 'code.function': 'findOne' } }).end();
    pg.startSpan('SELECT orders', {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'orders',
        'db.query.text': 'SELECT id, status, total FROM orders WHERE id = $1',
        'server.address': 'pg.internal',
        'server.port': 5432,
      },
    }).end();
  }
  return ended.slice(0, count);
}
