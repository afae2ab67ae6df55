import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { OTTracePropagator } from '@opentelemetry/propagator-ot-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEcho, invalidPropagationHeaders } from './support/propagation-headers.js';
import { type NodeProcess, startNode } from './support/run-node.js';

// Real peers, written elsewhere, on both sides of a service started with the register hook: each peer
// injects its headers into a request to the service, and reads back the headers the service's own outgoing
// call carried. Jaeger: jaeger-client for Node and Ruby (Rack codec: `%3A`, `+` for space). B3: zipkin-js
// and Python aiozipkin. ottrace: the Lightstep OpenTracing tracer and OpenTelemetry's OT propagator; Kong
// itself (Lua) cannot run here, so its `1`/`0` comes from the vectors of its own spec.
// The Ruby and Python peers are Debian packages installed by scripts/ci-system-deps.sh.
const require_ = require;
const jaeger = require_('jaeger-client');
const zipkin = require_('zipkin');
const lightstep = require_('lightstep-tracer');
const FORMAT_HTTP_HEADERS = 'http_headers';

const app = join(__dirname, 'fixtures', 'core', 'propagation-echo-app.cjs');
const peers = join(__dirname, 'fixtures', 'peers');
const ruby = '/usr/bin/ruby';
const python = '/usr/bin/python3';
const hasRuby = spawnSync(ruby, ['-e', 'require "jaeger/client"']).status === 0;
const hasAiozipkin = spawnSync(python, ['-c', 'import aiozipkin']).status === 0;
// Under CI a missing peer fails the test instead of skipping it.
const CI = process.env.CI === 'true';

function runPeer(command: string, script: string, input: unknown) {
  const result = spawnSync(command, [join(peers, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const pad = (id: string, width: number) => id.padStart(width, '0');
const baggageOf = (entries: [string, string][]) => Object.fromEntries(entries);

const apps: Record<string, { proc: NodeProcess; port: string }> = {};
const PROPAGATORS = {
  jaeger: 'tracecontext,baggage,jaeger',
  b3: 'tracecontext,baggage,b3',
  b3multi: 'tracecontext,baggage,b3multi',
  ottrace: 'tracecontext,baggage,ottrace',
};
beforeAll(async () => {
  await Promise.all(
    Object.entries(PROPAGATORS).map(async ([name, propagators]) => {
      const proc = startNode(['--require', '@spanwise/core/register', app], {
        OTEL_PROPAGATORS: propagators,
        OTEL_TRACES_EXPORTER: 'none',
      });
      const [, port = ''] = await proc.waitForLine(/listening (\d+)/);
      apps[name] = { proc, port };
    }),
  );
});
afterAll(async () => {
  for (const { proc } of Object.values(apps)) proc.child.kill('SIGTERM');
  await Promise.all(Object.values(apps).map(({ proc }) => proc.exited));
  for (const { proc } of Object.values(apps)) expect(proc.stderr()).toBe('');
});

async function echo(format: keyof typeof PROPAGATORS, headers: Record<string, string>) {
  const reply = await getEcho(apps[format]!.port, headers);
  expect(invalidPropagationHeaders(reply.outgoing)).toEqual([]);
  return reply;
}

describe('Jaeger peers', () => {
  it('jaeger-client (Node): a 128-bit trace and its baggage come in and go back out', async () => {
    const tracer = new jaeger.Tracer(
      'node-peer',
      new jaeger.InMemoryReporter(),
      new jaeger.ConstSampler(true),
      {
        traceId128bit: true,
      },
    );
    const span = tracer.startSpan('peer');
    span.setBaggageItem('team', 'blue team');
    const headers: Record<string, string> = {};
    tracer.inject(span.context(), FORMAT_HTTP_HEADERS, headers);
    const reply = await echo('jaeger', headers);
    expect(reply.traceId).toBe(pad(span.context().traceIdStr, 32));
    expect(reply.parentSpanId).toBe(pad(span.context().spanIdStr, 16));
    expect(baggageOf(reply.baggage)).toMatchObject({ team: 'blue team' });

    const back = tracer.extract(FORMAT_HTTP_HEADERS, reply.outgoing);
    expect(pad(back.traceIdStr, 32)).toBe(reply.traceId);
    expect(pad(back.spanIdStr, 16)).toBe(reply.outgoing['uber-trace-id']?.split(':')[1]);
    expect(back.isSampled()).toBe(true);
    expect(back.baggage).toMatchObject({ team: 'blue team' });
  });

  it('jaeger-client (Node) with a 64-bit trace id, not sampled: continued unsampled', async () => {
    const tracer = new jaeger.Tracer(
      'node-peer',
      new jaeger.InMemoryReporter(),
      new jaeger.ConstSampler(false),
    );
    const span = tracer.startSpan('peer');
    const headers: Record<string, string> = {};
    tracer.inject(span.context(), FORMAT_HTTP_HEADERS, headers);
    const reply = await echo('jaeger', headers);
    expect(reply.traceId).toBe(pad(span.context().traceIdStr, 32));
    expect(reply.sampled).toBe(false);
    expect(tracer.extract(FORMAT_HTTP_HEADERS, reply.outgoing).isSampled()).toBe(false);
  });

  it.skipIf(!hasRuby && !CI)(
    'jaeger-client (Ruby, Rack codec): %3A and + for space come in, and go back out',
    async () => {
      const sent = runPeer(ruby, 'jaeger-peer.rb', {
        op: 'inject',
        baggage: { team: 'blue team', tag: 'a+b' },
      });
      expect(sent.headers['uber-trace-id']).toContain('%3A');
      expect(sent.headers['uberctx-team']).toBe('blue+team');
      const reply = await echo('jaeger', sent.headers);
      expect(reply.traceId).toBe(sent.traceId);
      expect(reply.parentSpanId).toBe(sent.spanId);
      expect(baggageOf(reply.baggage)).toMatchObject({ team: 'blue team', tag: 'a+b' });

      const back = runPeer(ruby, 'jaeger-peer.rb', { op: 'extract', headers: reply.outgoing });
      expect(back.traceId).toBe(reply.traceId);
      expect(back.sampled).toBe(true);
      expect(back.baggage).toMatchObject({ team: 'blue team', tag: 'a+b' });
    },
  );
});

describe('B3 peers', () => {
  const ztracer = new zipkin.Tracer({
    ctxImpl: new zipkin.ExplicitContext(),
    recorder: { record() {} },
    localServiceName: 'zipkin-peer',
    traceId128Bit: true,
  });
  const server = new zipkin.Instrumentation.HttpServer({ tracer: ztracer, port: 0 });
  const zipkinReads = (headers: Record<string, string>) =>
    server.recordRequest('GET', 'http://peer/', (name: string) =>
      zipkin.option.fromNullable(headers[name.toLowerCase()]),
    );
  const zipkinSends = (id: unknown) => zipkin.Request.addZipkinHeaders({ headers: {} }, id).headers;

  it('zipkin-js: a sampled trace comes in (X-B3-*) and goes back out (b3 and X-B3-*)', async () => {
    const id = ztracer.createRootId(new zipkin.option.Some(true));
    const sent = zipkinSends(id);
    for (const format of ['b3', 'b3multi'] as const) {
      const reply = await echo(format, sent);
      expect(reply.traceId).toBe(id.traceId);
      expect(reply.parentSpanId).toBe(id.spanId);
      if (format === 'b3multi') {
        const back = zipkinReads(reply.outgoing);
        expect(back.traceId).toBe(reply.traceId);
        expect(back.sampled.getOrElse()).toBe(true);
      } else {
        expect(reply.outgoing.b3).toMatch(new RegExp(`^${id.traceId}-[0-9a-f]{16}-1$`));
      }
    }
  });

  it('zipkin-js with no sampling decision: the trace continues and the local sampler decides', async () => {
    const id = new zipkin.TraceId({
      traceId: zipkin.randomTraceId() + zipkin.randomTraceId(),
      spanId: zipkin.randomTraceId(),
      sampled: zipkin.option.None,
    });
    const sent = zipkinSends(id);
    expect(sent['X-B3-Sampled']).toBeUndefined();
    const reply = await echo('b3multi', sent);
    expect(reply.traceId).toBe(id.traceId);
    // The default sampler (parentbased_always_on) samples a new trace.
    expect(reply.sampled).toBe(true);
    expect(zipkinReads(reply.outgoing).sampled.getOrElse()).toBe(true);
  });

  it('zipkin-js debug (X-B3-Flags: 1) is sampled and goes out as debug', async () => {
    const id = ztracer.createRootId(zipkin.option.None, true);
    const sent = zipkinSends(id);
    expect(sent['X-B3-Flags']).toBe('1');
    const reply = await echo('b3multi', sent);
    expect(reply.sampled).toBe(true);
    expect(reply.outgoing['x-b3-flags']).toBe('1');
    expect(reply.outgoing['x-b3-sampled']).toBeUndefined();
    const back = zipkinReads(reply.outgoing);
    expect(back.traceId).toBe(reply.traceId);
    expect(back.isDebug()).toBe(true);
  });

  it('b3: 0 (openzipkin/b3-propagation) denies: nothing is sampled downstream', async () => {
    const reply = await echo('b3', { b3: '0' });
    expect(reply.sampled).toBe(false);
    expect(reply.outgoing.traceparent).toMatch(/-00$/);
    expect(reply.outgoing.b3).toMatch(/-0$/);
  });

  it.skipIf(!hasAiozipkin && !CI)(
    'aiozipkin: single and multi headers, sampled and debug, both ways',
    async () => {
      const cases = [
        { single: true, debug: false },
        { single: true, debug: true },
        { single: false, debug: false },
      ];
      const sent = runPeer(
        python,
        'aiozipkin-peer.py',
        cases.map(({ single, debug }) => ({ op: 'inject', single, sampled: true, debug })),
      );
      const replies = await Promise.all(
        cases.map(({ single }, i) => echo(single ? 'b3' : 'b3multi', sent[i].headers)),
      );
      const back = runPeer(
        python,
        'aiozipkin-peer.py',
        replies.map((reply) => ({ op: 'extract', headers: reply.outgoing })),
      );
      cases.forEach(({ debug }, i) => {
        expect(replies[i]!.traceId).toBe(sent[i].traceId);
        expect(replies[i]!.parentSpanId).toBe(sent[i].spanId);
        expect(back[i]).toMatchObject({ traceId: replies[i]!.traceId, sampled: true, debug });
      });
    },
  );
});

describe('ottrace peers (Kong ot)', () => {
  it('Lightstep (OpenTracing): its 64-bit trace comes in and goes back out, baggage too', async () => {
    const tracer = new lightstep.Tracer({
      access_token: 'test',
      component_name: 'ot-peer',
      disable_reporting_loop: true,
      disable_report_on_exit: true,
      verbosity: 0,
    });
    const span = tracer.startSpan('peer');
    span.setBaggageItem('team', 'blue');
    const headers: Record<string, string> = {};
    tracer.inject(span.context(), FORMAT_HTTP_HEADERS, headers);
    const reply = await echo('ottrace', headers);
    expect(reply.traceId).toBe(pad(headers['ot-tracer-traceid']!, 32));
    expect(reply.parentSpanId).toBe(headers['ot-tracer-spanid']);
    expect(baggageOf(reply.baggage)).toMatchObject({ team: 'blue' });

    const back = tracer.extract(FORMAT_HTTP_HEADERS, reply.outgoing);
    expect(pad(back._traceGUID, 32)).toBe(reply.traceId);
    expect(back._guid).toBe(reply.outgoing['ot-tracer-spanid']);
    expect(back._sampled).toBe(true);
    expect(back.getBaggageItem('team')).toBe('blue');
  });

  it("OpenTelemetry's OT propagator reads what goes out, sampled and not", async () => {
    const peer = new OTTracePropagator();
    const getter = { get: (c: Record<string, string>, k: string) => c[k], keys: Object.keys };
    for (const [value, sampled] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      const reply = await echo('ottrace', {
        'ot-tracer-traceid': '8448eb211c80319c',
        'ot-tracer-spanid': 'b7ad6b7169203331',
        'ot-tracer-sampled': value,
      });
      // Kong's spec: ot-tracer-sampled 0 must not start a new sampled trace.
      expect(reply).toMatchObject({ traceId: '00000000000000008448eb211c80319c', sampled });
      const back = trace.getSpanContext(peer.extract(ROOT_CONTEXT, reply.outgoing, getter));
      expect(back?.traceId).toBe(reply.traceId);
      expect(back?.traceFlags).toBe(sampled ? TraceFlags.SAMPLED : TraceFlags.NONE);
    }
  });
});
