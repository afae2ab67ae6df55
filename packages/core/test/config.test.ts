import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../src/config/env-reader.js';
import {
  DEFAULT_GRPC_ENDPOINT,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_TRACES_ENDPOINT,
} from '../src/config/otlp-config.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { captureStderr } from './capture-stderr.js';

const resolve = (env: Record<string, string>, options = {}) =>
  resolveConfig(new EnvReader(env), options, false);

describe('resolveConfig', () => {
  const stderr = captureStderr();

  it('uses the documented defaults when nothing is set', () => {
    const config = resolve({});
    expect(config.export).toEqual({
      endpoint: DEFAULT_TRACES_ENDPOINT,
      protocol: 'http/protobuf',
      headers: {},
      timeoutMs: 10_000,
      compression: 'none',
      maxQueueSize: 2048,
      maxQueueBytes: DEFAULT_MAX_QUEUE_BYTES,
      maxExportBatchSize: 512,
      scheduledDelayMs: 5000,
      dropPolicy: 'newest',
      maxRequestBytes: 4 * 1024 * 1024,
      maxRetries: 5,
      exportTimeoutMs: 30_000,
      initialBackoffMs: 1000,
      maxBackoffMs: 5000,
      circuitThreshold: 5,
      probeIntervalMs: 5000,
    });
    expect(config.exporter).toBe('otlp');
    expect(config.propagators).toEqual(['tracecontext', 'baggage']);
    expect(config.shutdownTimeoutMs).toBe(5000);
    expect(config.sampler).toEqual({ name: 'parentbased_always_on', ratio: 1 });
    expect(stderr).toEqual([]);
  });

  it('reads every standard variable', () => {
    const ca = join(tmpdir(), `spanwise-ca-${process.pid}.pem`);
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
    const config = resolve({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/prefix/',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret, X-Tenant = acme',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=override',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_CERTIFICATE: ca,
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_PROPAGATORS: 'tracecontext,b3multi,jaeger',
      OTEL_LOG_LEVEL: 'debug',
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, express',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express',
      SPANWISE_MAX_QUEUE_BYTES: '65536',
      SPANWISE_SHUTDOWN_TIMEOUT_MS: '1500',
      SPANWISE_DROP_POLICY: 'oldest',
      SPANWISE_MAX_SPAN_NAMES: '50',
      SPANWISE_MAX_REQUEST_BYTES: '100000',
      SPANWISE_EXPORT_MAX_RETRIES: '2',
      OTEL_BSP_EXPORT_TIMEOUT: '7000',
      SPANWISE_EXPORT_INITIAL_BACKOFF_MS: '10',
      SPANWISE_EXPORT_MAX_BACKOFF_MS: '20',
      SPANWISE_CIRCUIT_THRESHOLD: '3',
      SPANWISE_CIRCUIT_PROBE_INTERVAL_MS: '30',
    });
    expect(config.export).toMatchObject({
      endpoint: 'https://collector.example:4318/prefix/v1/traces',
      headers: { 'api-key': 's=cret', 'x-tenant': 'override' },
      protocol: 'http/json',
      timeoutMs: 2500,
      compression: 'gzip',
      maxQueueSize: 100,
      maxExportBatchSize: 10,
      scheduledDelayMs: 200,
      maxQueueBytes: 65536,
      dropPolicy: 'oldest',
      maxRequestBytes: 100000,
      maxRetries: 2,
      exportTimeoutMs: 7000,
      initialBackoffMs: 10,
      maxBackoffMs: 20,
      circuitThreshold: 3,
      probeIntervalMs: 30,
    });
    expect(config.export.certificate).toContain('BEGIN CERTIFICATE');
    expect(config.exporter).toBe('console');
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(config.propagators).toEqual(['tracecontext', 'b3multi', 'jaeger']);
    expect(config.logLevel).toBe('debug');
    expect(config.enabledInstrumentations).toEqual(['http', 'express']);
    expect(config.disabledInstrumentations).toEqual(['express']);
    expect(config.shutdownTimeoutMs).toBe(1500);
    expect(config.maxSpanNames).toBe(50);
    expect(stderr).toEqual([]);
  });

  it('appends /v1/traces to the base path, keeping its query', () => {
    const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/?tenant=a' });
    expect(config.export.endpoint).toBe('http://collector:4318/otlp/v1/traces?tenant=a');
  });

  it('prefers the traces-specific endpoint, used as given', () => {
    const config = resolve({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom',
    });
    expect(config.export.endpoint).toBe('http://b:9999/custom');
  });

  it('defaults the grpc endpoint to port 4317 and takes a base endpoint without a signal path', () => {
    expect(resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).export).toMatchObject({
      protocol: 'grpc',
      endpoint: DEFAULT_GRPC_ENDPOINT,
    });
    expect(DEFAULT_GRPC_ENDPOINT).toBe('http://localhost:4317');
    const base = resolve({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'GRPC',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c:4317',
    });
    expect(base.export).toMatchObject({ protocol: 'grpc', endpoint: 'https://c:4317' });
    // The programmatic protocol picks the default endpoint too.
    expect(resolve({}, { export: { protocol: 'grpc' } }).export.endpoint).toBe(DEFAULT_GRPC_ENDPOINT);
    const invalid = resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'c:4317' });
    expect(invalid.export.endpoint).toBe(DEFAULT_GRPC_ENDPOINT);
    expect(stderr.join('')).toContain(`using ${DEFAULT_GRPC_ENDPOINT} instead`);
  });

  it.each([
    [
      'OTEL_BSP_MAX_QUEUE_SIZE',
      'lots',
      'OTEL_BSP_MAX_QUEUE_SIZE="lots" is not a whole number; using 2048 instead.',
    ],
    [
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      '-5',
      'OTEL_EXPORTER_OTLP_TIMEOUT="-5" is not a whole number of at least 1; using 10000 instead.',
    ],
    [
      'OTEL_BSP_MAX_QUEUE_SIZE',
      '0',
      'OTEL_BSP_MAX_QUEUE_SIZE="0" is not a whole number of at least 1; using 2048 instead.',
    ],
    [
      'SPANWISE_MAX_QUEUE_BYTES',
      '1',
      'SPANWISE_MAX_QUEUE_BYTES="1" is not a whole number of at least 1024; using 8388608 instead.',
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'not a url',
      `OTEL_EXPORTER_OTLP_ENDPOINT="not a url" is not an http(s) URL; using ${DEFAULT_TRACES_ENDPOINT} instead.`,
    ],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'thrift',
      'OTEL_EXPORTER_OTLP_PROTOCOL="thrift" is not one of http/protobuf, http/json, grpc; using http/protobuf instead.',
    ],
    ['OTEL_TRACES_SAMPLER', 'jaeger_remote', 'OTEL_TRACES_SAMPLER="jaeger_remote" is not one of always_on'],
    [
      'OTEL_TRACES_EXPORTER',
      'zipkin',
      'OTEL_TRACES_EXPORTER="zipkin" is not one of otlp, console, none; using otlp instead.',
    ],
    [
      'OTEL_PROPAGATORS',
      'tracecontext,xray',
      'OTEL_PROPAGATORS="xray" is not one of tracecontext, baggage, b3, b3multi, jaeger, ottrace, none; using tracecontext instead.',
    ],
    ['OTEL_SDK_DISABLED', 'yes', 'OTEL_SDK_DISABLED="yes" is not true or false; using false instead.'],
    [
      'OTEL_EXPORTER_OTLP_CERTIFICATE',
      '/nonexistent/ca.pem',
      'OTEL_EXPORTER_OTLP_CERTIFICATE="/nonexistent/ca.pem" is not a readable PEM file',
    ],
    [
      'OTEL_EXPORTER_OTLP_HEADERS',
      'x-token:SECRET',
      'OTEL_EXPORTER_OTLP_HEADERS entry 1 of 1 (key "x-token") is not a key=value pair with a valid header name; skipping that entry.',
    ],
    [
      'OTEL_LOG_LEVEL',
      'loud',
      'OTEL_LOG_LEVEL="loud" is not one of none, error, warn, info, debug, verbose, all; using the default (warn for Spanwise, OpenTelemetry diagnostics off) instead.',
    ],
  ])('a bad %s gives one warning naming the variable and the fallback', (name, value, message) => {
    const env = new EnvReader({ [name]: value });
    resolveConfig(env, {}, false);
    env.bool('OTEL_SDK_DISABLED', false);
    const warnings = stderr.filter((line) => line.includes(name));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`[spanwise] WARN ${message}`);
  });

  it('uses the default for out-of-range numbers instead of clamping them', () => {
    const config = resolve({
      OTEL_BSP_MAX_QUEUE_SIZE: '-1',
      OTEL_EXPORTER_OTLP_TIMEOUT: '0',
      SPANWISE_MAX_QUEUE_BYTES: '1',
      SPANWISE_SHUTDOWN_TIMEOUT_MS: '-3',
    });
    expect(config.export).toMatchObject({
      maxQueueSize: 2048,
      timeoutMs: 10_000,
      maxQueueBytes: DEFAULT_MAX_QUEUE_BYTES,
    });
    expect(config.shutdownTimeoutMs).toBe(5000);
    expect(stderr).toHaveLength(4);
  });

  it('never shows the value of a bad headers entry, nor the credentials of a bad endpoint', () => {
    resolve({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=fine,x-token:SECRET1,SECRET2,bad key=SECRET3',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:SECRET4@collector:4318',
    });
    expect(stderr).toHaveLength(4);
    expect(stderr.join('\n')).not.toMatch(/SECRET/);
    expect(stderr.join('\n')).toContain('OTEL_EXPORTER_OTLP_HEADERS entry 2 of 4 (key "x-token")');
    expect(stderr.join('\n')).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT="ftp://REDACTED:REDACTED@collector:4318"',
    );
  });

  it('uses a base endpoint that already ends in /v1/traces as given, with a hint', () => {
    const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/v1/traces/' });
    expect(config.export.endpoint).toBe('http://collector:4318/v1/traces');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('or the full URL in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  });

  it('warns that a sampler argument does nothing with a sampler that takes none', () => {
    expect(resolve({ OTEL_TRACES_SAMPLER_ARG: '0.1' }).sampler).toEqual({
      name: 'parentbased_always_on',
      ratio: 1,
    });
    expect(stderr).toEqual([
      '[spanwise] WARN OTEL_TRACES_SAMPLER_ARG="0.1" does nothing with the sampler parentbased_always_on: only traceidratio and parentbased_traceidratio take an argument. To sample that ratio of traces, set OTEL_TRACES_SAMPLER=parentbased_traceidratio.',
    ]);
  });

  it('reads the redaction list from SPANWISE_REDACTED_QUERY_PARAMS or the option, which wins', () => {
    expect(resolve({}).redactedQueryParams).toContain('password');
    expect(resolve({ SPANWISE_REDACTED_QUERY_PARAMS: 'Tenant, key' }).redactedQueryParams).toEqual([
      'Tenant',
      'key',
    ]);
    expect(resolve({ SPANWISE_REDACTED_QUERY_PARAMS: 'none' }).redactedQueryParams).toEqual([]);
    expect(
      resolve({ SPANWISE_REDACTED_QUERY_PARAMS: 'a' }, { http: { redactedQueryParams: ['b'] } })
        .redactedQueryParams,
    ).toEqual(['b']);
    expect(stderr).toEqual([]);
  });

  it('clamps a batch size larger than the queue and says so', () => {
    const config = resolve({ OTEL_BSP_MAX_QUEUE_SIZE: '64', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' });
    expect(config.export.maxExportBatchSize).toBe(64);
    expect(stderr.join('\n')).toContain(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE="512" is not at most OTEL_BSP_MAX_QUEUE_SIZE (64); using 64',
    );
  });

  it('clamps the default batch size to a smaller queue without a warning', () => {
    const config = resolve({ OTEL_BSP_MAX_QUEUE_SIZE: '10' });
    expect(config.export.maxExportBatchSize).toBe(10);
    expect(stderr).toEqual([]);
  });

  it('lets programmatic options override the environment', () => {
    const config = resolve(
      { OTEL_TRACES_EXPORTER: 'console', OTEL_PROPAGATORS: 'b3', SPANWISE_SHUTDOWN_TIMEOUT_MS: '100' },
      {
        exporter: 'none',
        propagators: ['jaeger'],
        shutdownTimeoutMs: 42,
        export: { timeoutMs: 7 },
        sampler: 'always_off',
      },
    );
    expect(config.exporter).toBe('none');
    expect(config.propagators).toEqual(['jaeger']);
    expect(config.shutdownTimeoutMs).toBe(42);
    expect(config.export.timeoutMs).toBe(7);
    expect(config.sampler).toEqual({ name: 'always_off', ratio: 1 });
  });

  it('gives a bad programmatic number the environment value or the default, with one warning', () => {
    const config = resolve(
      { OTEL_BSP_MAX_QUEUE_SIZE: '100' },
      { export: { maxQueueSize: 0, timeoutMs: -5, maxExportBatchSize: 1000 }, shutdownTimeoutMs: Number.NaN },
    );
    expect(config.export).toMatchObject({ maxQueueSize: 100, timeoutMs: 10_000, maxExportBatchSize: 100 });
    expect(config.shutdownTimeoutMs).toBe(5000);
    expect(stderr).toEqual([
      '[spanwise] WARN export.timeoutMs="-5" is not a whole number of at least 1; using 10000 instead.',
      '[spanwise] WARN export.maxQueueSize="0" is not a whole number of at least 1; using 100 instead.',
      '[spanwise] WARN shutdownTimeoutMs="NaN" is not a whole number of at least 0; using 5000 instead.',
    ]);
  });

  it('treats "none" as no propagator at all', () => {
    expect(resolve({ OTEL_PROPAGATORS: 'none' }).propagators).toEqual([]);
  });
});
