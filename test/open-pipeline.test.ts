import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, probePostgres, requirePostgres, skipWithoutPostgres } from './support/postgres.js';
import { startNode } from './support/run-node.js';

// TracingOptions.instrumentations, spanProcessors and a Sampler object, in a real process on the real
// PostgreSQL: @opentelemetry/instrumentation-knex gives knex spans in the request's trace; a custom processor
// sees exactly the spans exported; a custom sampler's decisions decide which requests are exported.
const fixtures = join(__dirname, 'fixtures', 'pipeline');
const SPAN_KIND_SERVER = 2;
const problem = probePostgres();

let receiver: Receiver;
beforeAll(async () => {
  requirePostgres(problem);
  receiver = await startReceiver();
});
afterAll(() => receiver?.close());

describe.skipIf(skipWithoutPostgres(problem))('the open pipeline', () => {
  it('an extra instrumentation, a processor and a sampler, all honoured', async () => {
    const proc = startNode(['--require', './fixtures/pipeline/tracing.cjs', join(fixtures, 'knex-app.cjs')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      PG_URL,
    });
    const answers: { traceId: string; sampled: boolean }[] = [];
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      for (let i = 0; i < 16; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        expect(response.status).toBe(200);
        answers.push((await response.json()) as { traceId: string; sampled: boolean });
      }
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    const spans = receiver.spans;
    // The sampler decided: sampled exactly when the trace id ends in an even digit, and every trace it sampled
    // is exported, none of the others.
    const even = (traceId: string) => Number.parseInt(traceId.slice(-1), 16) % 2 === 0;
    for (const answer of answers) expect(answer.sampled).toBe(even(answer.traceId));
    const sampledTraces = new Set(answers.filter((a) => a.sampled).map((a) => a.traceId));
    expect(new Set(spans.map((span) => span.traceId))).toEqual(sampledTraces);
    // Each sampled request: a server span (carrying the sampler's attribute) and a knex span in its trace.
    for (const traceId of sampledTraces) {
      const trace = spans.filter((span) => span.traceId === traceId);
      const server = trace.find((span) => span.kind === SPAN_KIND_SERVER);
      expect(server?.attributes['sampler.name']).toBe('parity');
      const knexSpan = trace.find((span) => span.scope.name === '@opentelemetry/instrumentation-knex');
      expect(knexSpan, `knex span in trace ${traceId}`).toBeDefined();
      expect(knexSpan!.parentSpanId).toBe(server!.spanId);
      expect(knexSpan!.attributes['db.system'] ?? knexSpan!.attributes['db.system.name']).toMatch(
        /^postgres/,
      );
    }
    // The processor saw every span that was exported, and only those.
    const seen = [...proc.stdout().matchAll(/^processor-saw (\w+) /gm)].map((m) => m[1]);
    expect(seen.sort()).toEqual(spans.map((span) => span.spanId).sort());
    expect(proc.stderr()).toBe('');
  });
});
