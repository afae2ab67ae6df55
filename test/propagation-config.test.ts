import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getEcho } from './support/propagation-headers.js';
import { type NodeProcess, startNode } from './support/run-node.js';

// OTEL_PROPAGATORS and the sampling decisions the propagators carry, in a real process started with the
// register hook: one warning for a bad value, then the documented default; a peer's "no decision" left to
// the configured sampler.
const app = join(__dirname, 'fixtures', 'core', 'propagation-echo-app.cjs');
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

let proc: NodeProcess | undefined;
afterEach(async () => {
  proc?.child.kill('SIGTERM');
  await proc?.exited;
  proc = undefined;
});

async function start(env: Record<string, string>) {
  proc = startNode(['--require', '@spanwise/core/register', app], { OTEL_TRACES_EXPORTER: 'none', ...env });
  const [, port = ''] = await proc.waitForLine(/listening (\d+)/);
  return port;
}

describe('OTEL_PROPAGATORS in a real process', () => {
  it('bogus: one warning naming the variable, the value and the default, then W3C propagation', async () => {
    const port = await start({ OTEL_PROPAGATORS: 'bogus' });
    const reply = await getEcho(port, { traceparent: `00-${TRACE}-${SPAN}-01`, baggage: 'tenant=acme' });
    expect(reply.traceId).toBe(TRACE);
    expect(reply.parentSpanId).toBe(SPAN);
    expect(reply.outgoing.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(reply.outgoing.baggage).toBe('tenant=acme');
    const warnings = proc!.stderr().trim().split('\n');
    expect(warnings).toEqual([
      '[spanwise] WARN OTEL_PROPAGATORS="bogus" is not one of tracecontext, baggage, b3, b3multi, jaeger, ottrace, none; using tracecontext,baggage (the default) instead.',
    ]);
  });

  it('ottrace is known: Kong ot headers are continued with no warning', async () => {
    const port = await start({ OTEL_PROPAGATORS: 'ottrace' });
    const reply = await getEcho(port, {
      'ot-tracer-traceid': TRACE,
      'ot-tracer-spanid': SPAN,
      'ot-tracer-sampled': '1',
    });
    expect(reply).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, sampled: true });
    expect(reply.outgoing['ot-tracer-traceid']).toBe(TRACE.slice(16));
    expect(proc!.stderr()).toBe('');
  });
});

describe('a peer that leaves the sampling decision to us', () => {
  it.each([
    ['parentbased_always_on', true],
    ['parentbased_always_off', false],
  ])(
    'B3 without X-B3-Sampled, under %s: the trace continues and that sampler decides',
    async (sampler, sampled) => {
      const port = await start({ OTEL_PROPAGATORS: 'tracecontext,b3multi', OTEL_TRACES_SAMPLER: sampler });
      const reply = await getEcho(port, { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN });
      expect(reply).toMatchObject({ traceId: TRACE, sampled });
      expect(reply.outgoing['x-b3-sampled']).toBe(sampled ? '1' : '0');
    },
  );
});
