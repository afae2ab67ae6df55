import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode, startNode } from './support/run-node.js';

const fixtures = join(__dirname, 'fixtures', 'core');
const app = join(fixtures, 'http-app.cjs');
const esmApp = join(fixtures, 'http-app.mjs');
const script = join(fixtures, 'script.cjs');
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => {
  receiver.setFault({ type: 'ok' });
  receiver.clear();
});

const env = (extra: Record<string, string> = {}) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_BSP_SCHEDULE_DELAY: '50',
  ...extra,
});

async function getOuter(port: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/outer`, { headers });
  expect(await res.text()).toBe('outer');
}

describe('node --require @spanwise/core/register', () => {
  it('traces HTTP server and client spans of a CommonJS app into one trace, with the resource', async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', app],
      env({ OTEL_SERVICE_NAME: 'orders' }),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    const spans = await receiver.waitForSpans(3);
    proc.child.kill('SIGTERM');
    await proc.exited;
    const servers = spans.filter((s) => s.kind === SPAN_KIND_SERVER);
    const client = spans.find((s) => s.kind === SPAN_KIND_CLIENT);
    expect(servers).toHaveLength(2);
    expect(client).toBeDefined();
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const outer = servers.find((s) => s.parentSpanId === '');
    const inner = servers.find((s) => s.parentSpanId !== '');
    expect(client!.parentSpanId).toBe(outer!.spanId);
    expect(inner!.parentSpanId).toBe(client!.spanId);
    expect(spans[0]!.resource).toMatchObject({
      'service.name': 'orders',
      'service.version': '1.2.3',
      'telemetry.sdk.language': 'nodejs',
      'process.pid': proc.child.pid,
    });
    expect(proc.stderr()).toBe('');
  });

  it('names the service after the app package.json when OTEL_SERVICE_NAME is unset', async () => {
    const result = await runNode(['--require', '@spanwise/core/register', script], env());
    expect(result.code).toBe(0);
    const spans = await receiver.waitForSpans(3);
    expect(spans[0]!.resource['service.name']).toBe('core-fixtures');
  });

  it('flushes the spans of a script on beforeExit', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ OTEL_BSP_SCHEDULE_DELAY: '60000' }),
    );
    expect(result.code).toBe(0);
    expect(receiver.spans.map((s) => s.name)).toEqual(['work', 'work', 'work']);
  });

  it('instruments the imports of an ES module entry point under --require too', async () => {
    const proc = startNode(['--require', '@spanwise/core/register', esmApp], env());
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    proc.child.kill('SIGTERM');
    await proc.exited;
    // The named `get` import from node:http is instrumented only through the import hooks: without them there
    // would be no client span and two disconnected traces.
    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => s.kind).sort()).toEqual(
      [SPAN_KIND_SERVER, SPAN_KIND_SERVER, SPAN_KIND_CLIENT].sort(),
    );
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(proc.stderr()).toBe('');
  });
});

describe('instrumentations load with their library', () => {
  it('loads a library instrumentation on the first require of that library, in time to trace it', async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', join(fixtures, 'express-app.cjs')],
      env(),
    );
    await proc.waitForLine(/express instrumentation loaded before require: false, after: true/);
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const res = await fetch(`http://127.0.0.1:${port}/users/42`);
    expect(await res.json()).toEqual({ id: '42' });
    const spans = await receiver.waitForSpans(2);
    proc.child.kill('SIGTERM');
    await proc.exited;
    const server = spans.find((s) => s.kind === SPAN_KIND_SERVER);
    expect(server?.name).toBe('GET /users/:id');
    expect(server?.attributes['http.route']).toBe('/users/:id');
    const handler = spans.find((s) => s.name.startsWith('request handler'));
    expect(handler, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    expect(handler?.parentSpanId).toBe(server?.spanId);
  });

  it('traces Fastify route handlers as children of the server span, with the handler span active', async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', join(fixtures, 'fastify-app.cjs')],
      env(),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    expect(await (await fetch(`http://127.0.0.1:${port}/users/42`)).json()).toEqual({ id: '42' });
    expect((await fetch(`http://127.0.0.1:${port}/boom`)).status).toBe(500);
    const spans = await receiver.waitForSpans(5);
    proc.child.kill('SIGTERM');
    await proc.exited;
    const server = spans.find((s) => s.name === 'GET /users/:id');
    const handler = spans.find((s) => s.name === 'request handler - /users/:id');
    expect(server?.kind).toBe(SPAN_KIND_SERVER);
    expect(handler?.parentSpanId).toBe(server?.spanId);
    expect(handler?.attributes['http.route']).toBe('/users/:id');
    // The handler awaited 5 ms: its span covers the async work, not just the synchronous call.
    expect(Number(handler!.endTimeUnixNano - handler!.startTimeUnixNano) / 1e6).toBeGreaterThanOrEqual(4);
    expect(spans.find((s) => s.name === 'load user')?.parentSpanId).toBe(handler?.spanId);
    const failed = spans.find((s) => s.name === 'request handler - /boom');
    expect(failed?.status.code).toBe(2); // OTLP STATUS_CODE_ERROR
    expect(failed?.events.map((e) => e.name)).toEqual(['exception']);
    expect(spans.find((s) => s.name === 'GET /boom')?.attributes['http.response.status_code']).toBe(500);
  });

  it('loads no library instrumentation for a process that requires no library', async () => {
    const result = await runNode(
      [
        '--require',
        '@spanwise/core/register',
        '-e',
        "console.log(Object.keys(require.cache).filter((f) => /instrumentation-(?!http|undici)/.test(f) && !f.includes('/@opentelemetry/instrumentation/')).length)",
      ],
      env(),
    );
    expect(result.stdout.trim()).toBe('0');
  });
});

describe('start-up is deferred until there is something to trace', () => {
  // What a process has loaded, as a line of flags: the SDK, OpenTelemetry's and Spanwise's HTTP instrumentation.
  const probe =
    'const has = (p) => Object.keys(require.cache).some((f) => f.includes(p)); const flags = () => ' +
    "['/sdk-trace/', 'instrumentation-http', 'http-server-instrumentation']" +
    ".map((p) => (has(p) ? 1 : 0)).join('');";

  it('loads neither the SDK nor the HTTP instrumentations for a script that never traces', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', '-e', `${probe} console.log(flags())`],
      env(),
    );
    expect(result.stdout.trim()).toBe('001');
  });

  it('loads the HTTP instrumentations on the first require of http, and the SDK on the first span', async () => {
    const script =
      `${probe} const out = [flags()]; require('node:http'); out.push(flags()); ` +
      "globalThis[Symbol.for('opentelemetry.js.api.1')].trace.getTracer('probe').startSpan('first').end(); " +
      'out.push(flags()); console.log(out.join(" "));';
    const result = await runNode(['--require', '@spanwise/core/register', '-e', script], env());
    expect(result.stdout.trim()).toBe('001 011 111');
    const spans = await receiver.waitForSpans(1);
    expect(spans.map((s) => s.name)).toEqual(['first']);
  });

  it('still traces a server that reached node:http without require, from the first event-loop turn', async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', join(fixtures, 'builtin-http-app.cjs')],
      env(),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await fetch(`http://127.0.0.1:${port}/ping`);
    const spans = await receiver.waitForSpans(1);
    proc.child.kill('SIGTERM');
    await proc.exited;
    expect(spans[0]).toMatchObject({ name: 'GET', kind: SPAN_KIND_SERVER });
    expect(spans[0]!.attributes['url.path']).toBe('/ping');
  });
});

describe('node --import @spanwise/core/register', () => {
  it('instruments ES module imports: server and client spans of an .mjs app', async () => {
    const proc = startNode(['--import', '@spanwise/core/register', esmApp], env());
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    const spans = await receiver.waitForSpans(3);
    proc.child.kill('SIGTERM');
    await proc.exited;
    expect(spans.filter((s) => s.kind === SPAN_KIND_SERVER)).toHaveLength(2);
    expect(spans.filter((s) => s.kind === SPAN_KIND_CLIENT)).toHaveLength(1);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(proc.stderr()).toBe('');
  });
});

describe('propagation from the systems around a Node service', () => {
  const vectors: [string, Record<string, string>, string, string][] = [
    [
      'NGINX opentracing with the Jaeger module (uber-trace-id)',
      { 'uber-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1' },
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '00f067aa0ba902b7',
    ],
    [
      'a Go jaeger-client with a 64-bit trace id',
      { 'uber-trace-id': '5c9e0d7a1b2c3d4e:7a1b2c3d4e5f6a7b:0:1' },
      '00000000000000005c9e0d7a1b2c3d4e',
      '7a1b2c3d4e5f6a7b',
    ],
    [
      "Kong's OpenTelemetry plugin in w3c mode",
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01', tracestate: 'kong=1' },
      '0af7651916cd43dd8448eb211c80319c',
      'b9c7c989f97918e1',
    ],
    [
      "Kong's OpenTelemetry plugin in b3-single mode",
      { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' },
      '80f198ee56343ba864fe8b2a57d3eff7',
      'e457b5a2e4d86bd1',
    ],
    [
      "Kong's OpenTelemetry plugin in b3 (multi-header) mode",
      {
        'X-B3-TraceId': '463ac35c9f6413ad48485a3953bb6124',
        'X-B3-SpanId': 'a2fb4a1d1a96d312',
        'X-B3-ParentSpanId': '0020000000000001',
        'X-B3-Sampled': '1',
      },
      '463ac35c9f6413ad48485a3953bb6124',
      'a2fb4a1d1a96d312',
    ],
    [
      'a Python Flask service (opentelemetry-python, W3C)',
      { traceparent: '00-d4cda95b652f4a1592b449d5929fda1b-6e0c63257de34c92-01' },
      'd4cda95b652f4a1592b449d5929fda1b',
      '6e0c63257de34c92',
    ],
  ];

  let proc: ReturnType<typeof startNode>;
  let port: string;
  beforeAll(async () => {
    proc = startNode(
      ['--require', '@spanwise/core/register', app],
      env({ OTEL_PROPAGATORS: 'tracecontext,baggage,b3,b3multi,jaeger' }),
    );
    [, port = ''] = await proc.waitForLine(/listening (\d+)/);
  });
  afterAll(async () => {
    proc.child.kill('SIGTERM');
    await proc.exited;
  });

  it.each(vectors)('continues the trace of %s', async (_name, headers, traceId, parentSpanId) => {
    await getOuter(port, headers);
    const spans = await receiver.waitForSpans(3);
    const root = spans.find((s) => s.kind === SPAN_KIND_SERVER && s.parentSpanId === parentSpanId);
    expect(root, JSON.stringify(spans.map((s) => [s.name, s.traceId, s.parentSpanId]))).toBeDefined();
    expect(root!.traceId).toBe(traceId);
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
  });
});

describe('resource detectors (OTEL_NODE_RESOURCE_DETECTORS)', () => {
  it('adds what the named detectors find, waiting for the asynchronous ones before exporting', async () => {
    // container comes from its own package (a dev dependency here) and reads cgroup files asynchronously.
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ OTEL_NODE_RESOURCE_DETECTORS: 'os,process,container', OTEL_SERVICE_NAME: 'detected' }),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const spans = await receiver.waitForSpans(3);
    expect(spans[0]!.resource).toMatchObject({ 'os.type': 'linux', 'service.name': 'detected' });
    expect(spans[0]!.resource['process.command']).toEqual(expect.any(String));
  });

  it('runs none by default', async () => {
    await runNode(['--require', '@spanwise/core/register', script], env());
    const spans = await receiver.waitForSpans(3);
    expect(spans[0]!.resource['os.type']).toBeUndefined();
  });

  it('warns about an unknown name and about a detector whose package is not installed, and still traces', async () => {
    // From a folder with no node_modules, so the aws detector's package cannot be found.
    const register = require.resolve('@spanwise/core/register');
    const result = await runNode(
      ['--require', register, '-e', '0'],
      env({ OTEL_NODE_RESOURCE_DETECTORS: 'aws,bogus' }),
      tmpdir(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'OTEL_NODE_RESOURCE_DETECTORS names "aws", but @opentelemetry/resource-detector-aws is not installed; ' +
        'install it (npm install @opentelemetry/resource-detector-aws)',
    );
    expect(result.stderr).toContain(
      'OTEL_NODE_RESOURCE_DETECTORS="bogus" is not one of env, host, os, process',
    );
  });
});

describe('start-up, exit and failure modes', () => {
  it('exits an empty script without touching the network when nothing was traced', async () => {
    const connections: Socket[] = [];
    const blackhole: Server = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as { port: number };
    const result = await runNode(['--require', '@spanwise/core/register', '-e', '0'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    blackhole.close();
    for (const socket of connections) socket.destroy();
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(connections).toHaveLength(0);
  });

  it('warns once about a bad value, names the fallback, and still traces', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ OTEL_BSP_MAX_QUEUE_SIZE: 'lots' }),
    );
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      '[spanwise] WARN OTEL_BSP_MAX_QUEUE_SIZE="lots" is not a whole number; using 2048 instead.',
    ]);
    expect(receiver.spans).toHaveLength(3);
  });

  it('does nothing under OTEL_SDK_DISABLED=true', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ OTEL_SDK_DISABLED: 'true' }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"exportedSpans":0');
    expect(receiver.requests).toHaveLength(0);
  });

  it('warns, one line per module, about instrumented modules loaded before the hook', async () => {
    const result = await runNode(
      ['--require', 'express', '--require', '@spanwise/core/register', '-e', '0'],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      '[spanwise] WARN express was loaded before @spanwise/core/register, so it is not traced; start node with ' +
        '--require @spanwise/core/register (or --import @spanwise/core/register for ESM) instead of starting ' +
        'tracing from your own code.',
    ]);
  });

  it('keeps the first handle when startTracing() is called again, and warns about the different options', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ CALL_START_TWICE: '1' }),
    );
    expect(result.stdout).toContain('same handle: true');
    expect(result.stderr).toContain('startTracing() was called again with different options');
  });

  it('warns once when a tracer produces more distinct span names than the limit', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', script],
      env({ SPAN_NAMES: '30', SPANWISE_MAX_SPAN_NAMES: '10' }),
    );
    const warnings = result.stderr.split('\n').filter((line) => line.includes('distinct span names'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'tracer "script" has produced more than 10 distinct span names (e.g. "order-6"',
    );
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM with no app handler: flushes every span, then ends by SIGTERM', async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', app],
      env({ OTEL_BSP_SCHEDULE_DELAY: '60000' }),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    await getOuter(port!);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(receiver.spans).toHaveLength(6);
  });

  it("on SIGTERM with the app's own handler: lets the app finish, records its shutdown span, then ends by SIGTERM", async () => {
    const proc = startNode(
      ['--require', '@spanwise/core/register', app],
      env({ OTEL_BSP_SCHEDULE_DELAY: '60000', APP_SIGTERM_HANDLER: '1' }),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(receiver.spans.map((s) => s.name)).toContain('app.graceful-shutdown');
    expect(receiver.spans).toHaveLength(4);
  });

  it('on SIGINT with a collector that never answers: ends by SIGINT once the shutdown deadline passes', async () => {
    receiver.setFault({ type: 'hang' });
    const proc = startNode(
      ['--require', '@spanwise/core/register', app],
      env({ OTEL_BSP_SCHEDULE_DELAY: '60000', SPANWISE_SHUTDOWN_TIMEOUT_MS: '300' }),
    );
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    await getOuter(port!);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGINT' });
  });
});
