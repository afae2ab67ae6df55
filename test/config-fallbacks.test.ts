import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// Every bad value of docs/configuration.md through the register hook in a real process: the app serves, each
// variable gets exactly one warning naming it, its value and the fallback, and the process then behaves as
// the default does. Variables whose default is observable side by side share a process.

const app = join(__dirname, 'fixtures', 'core', 'secrets-app.cjs');
const limitsApp = join(__dirname, 'fixtures', 'core', 'limits-app.cjs');
const SPAN_KIND_CLIENT = 3;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

/** Variable, bad value, and the warning it must give (the whole message after `[spanwise] WARN `). */
type Case = [name: string, value: string, warning: string];

const wholeNumber = (name: string, value: string, min: number, fallback: number): Case => [
  name,
  value,
  `${name}="${value}" is not a whole number${Number.isNaN(Number(value)) ? '' : ` of at least ${min}`}; using ${fallback} instead.`,
];

// Spans still go to the receiver, so the export defaults can be watched.
const EXPORTING: Case[] = [
  ['OTEL_SDK_DISABLED', 'yes', 'OTEL_SDK_DISABLED="yes" is not true or false; using false instead.'],
  [
    'OTEL_LOG_LEVEL',
    'loud',
    'OTEL_LOG_LEVEL="loud" is not one of none, error, warn, info, debug, verbose, all; using the default (warn for Spanwise, OpenTelemetry diagnostics off) instead.',
  ],
  [
    'OTEL_NODE_RESOURCE_DETECTORS',
    'cloud',
    'OTEL_NODE_RESOURCE_DETECTORS="cloud" is not one of env, host, os, process, serviceinstance, container, alibaba, aws, azure, gcp, all, none; using nothing for that entry instead.',
  ],
  [
    'OTEL_RESOURCE_ATTRIBUTES',
    'team',
    'OTEL_RESOURCE_ATTRIBUTES entry 1 of 1 is not a key=value pair; leaving that entry out (its text is not shown).',
  ],
  [
    'OTEL_TRACES_EXPORTER',
    'zipkin',
    'OTEL_TRACES_EXPORTER="zipkin" is not one of otlp, console, none; using otlp instead.',
  ],
  [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'http/xml',
    'OTEL_EXPORTER_OTLP_PROTOCOL="http/xml" is not one of http/protobuf, http/json, grpc; using http/protobuf instead.',
  ],
  [
    'OTEL_EXPORTER_OTLP_HEADERS',
    'novalue',
    'OTEL_EXPORTER_OTLP_HEADERS entry 1 of 1 is not a key=value pair with a valid header name; skipping that entry.',
  ],
  wholeNumber('OTEL_EXPORTER_OTLP_TIMEOUT', '-5', 1, 10_000),
  [
    'OTEL_EXPORTER_OTLP_COMPRESSION',
    'brotli',
    'OTEL_EXPORTER_OTLP_COMPRESSION="brotli" is not one of gzip, none; using none instead.',
  ],
  [
    'OTEL_EXPORTER_OTLP_CERTIFICATE',
    '/nonexistent/ca.pem',
    `OTEL_EXPORTER_OTLP_CERTIFICATE="/nonexistent/ca.pem" is not a readable PEM file (ENOENT: no such file or directory, open '/nonexistent/ca.pem'); using the system CAs only instead.`,
  ],
  wholeNumber('OTEL_BSP_MAX_QUEUE_SIZE', '-1', 1, 2048),
  wholeNumber('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '0', 1, 512),
  wholeNumber('OTEL_BSP_SCHEDULE_DELAY', 'soon', 0, 5000),
  wholeNumber('OTEL_BSP_EXPORT_TIMEOUT', '-1', 0, 30_000),
  wholeNumber('SPANWISE_MAX_QUEUE_BYTES', '1', 1024, 8 * 1024 * 1024),
  [
    'SPANWISE_DROP_POLICY',
    'random',
    'SPANWISE_DROP_POLICY="random" is not one of newest, oldest; using newest instead.',
  ],
  wholeNumber('SPANWISE_MAX_REQUEST_BYTES', '10', 1024, 4 * 1024 * 1024),
  wholeNumber('SPANWISE_EXPORT_MAX_RETRIES', '-1', 0, 5),
  wholeNumber('SPANWISE_EXPORT_INITIAL_BACKOFF_MS', '0', 1, 1000),
  wholeNumber('SPANWISE_EXPORT_MAX_BACKOFF_MS', '0', 1, 5000),
  wholeNumber('SPANWISE_CIRCUIT_THRESHOLD', '0', 1, 5),
  wholeNumber('SPANWISE_CIRCUIT_PROBE_INTERVAL_MS', '0', 1, 5000),
  [
    'OTEL_TRACES_SAMPLER',
    'sometimes',
    'OTEL_TRACES_SAMPLER="sometimes" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; using parentbased_always_on instead.',
  ],
  [
    'OTEL_TRACES_SAMPLER_ARG',
    '0.1',
    'OTEL_TRACES_SAMPLER_ARG="0.1" does nothing with the sampler parentbased_always_on: only traceidratio and parentbased_traceidratio take an argument. To sample that ratio of traces, set OTEL_TRACES_SAMPLER=parentbased_traceidratio.',
  ],
  [
    'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
    'htp',
    'OTEL_NODE_DISABLED_INSTRUMENTATIONS names "htp", which is not one of',
  ],
  wholeNumber('SPANWISE_SHUTDOWN_TIMEOUT_MS', '-1', 0, 5000),
  wholeNumber('SPANWISE_MAX_SPAN_NAMES', '0', 1, 1000),
  [
    'SPANWISE_REDACTED_QUERY_PARAMS',
    ',',
    'SPANWISE_REDACTED_QUERY_PARAMS="," is not a comma-separated list of names, or none; using the default list instead.',
  ],
];

// The span engine and limits, watched on one span with more of everything than the defaults allow.
const ENGINE_AND_LIMITS: Case[] = [
  ['SPANWISE_ENGINE', 'fast', 'SPANWISE_ENGINE="fast" is not one of lean, sdk; using lean instead.'],
  wholeNumber('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', '-1', 0, 128),
  [
    'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    '0',
    'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT="0" is not a whole number of at least 1; using no limit instead.',
  ],
  wholeNumber('OTEL_SPAN_EVENT_COUNT_LIMIT', 'many', 0, 128),
  wholeNumber('OTEL_SPAN_LINK_COUNT_LIMIT', '-2', 0, 128),
  wholeNumber('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', 'lots', 0, 128),
  wholeNumber('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', '-1', 0, 128),
];

function warningsFor(stderr: string, cases: Case[]): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  for (const [name, , warning] of cases) {
    const mine = lines.filter(
      (line) => line.startsWith(`[spanwise] WARN ${name}=`) || line.startsWith(`[spanwise] WARN ${name} `),
    );
    expect(mine, name).toHaveLength(1);
    expect(mine[0], name).toContain(`[spanwise] WARN ${warning}`);
  }
  // Nothing else: no OpenTelemetry diagnostics (the default log level), no drop warning.
  expect(lines, stderr).toHaveLength(cases.length);
}

describe('a bad value falls back to the documented default, with one warning', () => {
  it('export, sampling, diagnostics and redaction settings', async () => {
    receiver.clear();
    const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    for (const [name, value] of EXPORTING) env[name] = value;
    const proc = startNode(['--require', '@spanwise/core/register', app], env);
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const res = await fetch(`http://127.0.0.1:${port}/outer?password=hunter2`);
    expect(await res.text()).toBe('outer');
    const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, unknown>;
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    // A 5 s schedule delay (the default): nothing left before SIGTERM; then the shutdown flush sends it all.
    expect(stats).toMatchObject({
      exportedSpans: 0,
      queuedSpans: 5,
      droppedSpans: { queueFull: 0, exportFailed: 0, shutdown: 0 },
    });
    expect(exit.signal).toBe('SIGTERM');
    // The five of /outer, and the server span of GET /stats.
    expect(receiver.spans).toHaveLength(6);
    expect(receiver.requests.map((r) => [r.contentType, r.contentEncoding])).toEqual([
      ['application/x-protobuf', ''],
    ]);
    const outer = receiver.spans.find((s) => s.attributes['url.path'] === '/outer');
    expect(outer?.attributes['url.query']).toBe('password=REDACTED');
    expect(receiver.spans.filter((s) => s.kind === SPAN_KIND_CLIENT)).toHaveLength(2);
    warningsFor(proc.stderr(), EXPORTING);
  });

  it('span engine and limits: the lean engine keeps 128 of each and values of any length', async () => {
    receiver.clear();
    const env: Record<string, string> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    };
    for (const [name, value] of ENGINE_AND_LIMITS) env[name] = value;
    const proc = startNode(['--require', '@spanwise/core/register', limitsApp], env);
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      const made = await (await fetch(`http://127.0.0.1:${port}/limits`)).json();
      expect(made).toEqual({ provider: 'LeanTracerProvider', span: 'LeanSpan' });
      await receiver.waitForSpans(2);
      const span = receiver.spans.find((s) => s.name === 'limits');
      // 201 attributes (the long value first): 128 kept, the long value whole.
      expect(Object.keys(span?.attributes ?? {})).toHaveLength(128);
      expect(span?.droppedAttributesCount).toBe(73);
      expect(span?.attributes.long).toHaveLength(5000);
      // 200 events: the last 128 kept, each with 128 of its 200 attributes.
      expect(span?.events).toHaveLength(128);
      expect(span?.droppedEventsCount).toBe(72);
      expect(span?.events[0]?.name).toBe('event 72');
      expect(span?.events.map((e) => Object.keys(e.attributes).length)).toEqual(Array(128).fill(128));
      // 200 links: 128 kept, each with 128 of its 200 attributes.
      expect(span?.links).toHaveLength(128);
      expect(span?.droppedLinksCount).toBe(72);
      expect(span?.links.map((l) => Object.keys(l.attributes).length)).toEqual(Array(128).fill(128));
      warningsFor(proc.stderr(), ENGINE_AND_LIMITS);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });

  it('endpoint, ratio sampler, queue and instrumentation settings', async () => {
    receiver.clear();
    const cases: Case[] = [
      [
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        receiver.endpoint,
        `OTEL_EXPORTER_OTLP_ENDPOINT="${receiver.endpoint}" already ends in /v1/traces, but it is the base URL that /v1/traces is appended to; using it as given.`,
      ],
      [
        'OTEL_TRACES_SAMPLER_ARG',
        '1.5',
        'OTEL_TRACES_SAMPLER_ARG="1.5" is not a number from 0 to 1; using 1 instead.',
      ],
      wholeNumber('OTEL_BSP_MAX_QUEUE_SIZE', '0', 1, 2048),
      [
        'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
        'htp',
        'OTEL_NODE_ENABLED_INSTRUMENTATIONS="htp" names none of http, undici,',
      ],
    ];
    const env: Record<string, string> = {
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    };
    for (const [name, value] of cases) env[name] = value;
    const proc = startNode(['--require', '@spanwise/core/register', app], env);
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      for (let i = 0; i < 3; i++) {
        expect(await (await fetch(`http://127.0.0.1:${port}/outer`)).text()).toBe('outer');
      }
      // Ratio 1 samples every trace; the default instrumentations give the client spans; the queue holds them all.
      const spans = await receiver.waitForSpans(15);
      expect(spans.filter((s) => s.kind === SPAN_KIND_CLIENT)).toHaveLength(6);
      const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, unknown>;
      expect(stats).toMatchObject({ droppedSpans: { queueFull: 0, exportFailed: 0, shutdown: 0 } });
      warningsFor(proc.stderr(), cases);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });

  it('a bad traces endpoint: the default endpoint, and the app serves', async () => {
    const cases: Case[] = [
      [
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
        'collector:4318',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector:4318" is not an http(s) URL; using http://localhost:4318/v1/traces instead.',
      ],
    ];
    const proc = startNode(['--require', '@spanwise/core/register', app], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318',
      OTEL_TRACES_EXPORTER: 'none',
    });
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      expect(await (await fetch(`http://127.0.0.1:${port}/outer`)).text()).toBe('outer');
      warningsFor(proc.stderr(), cases);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
