import { readFileSync } from 'node:fs';
import { displayUrl } from '../export/display-url.js';
import { EXPORT_DEFAULTS } from '../export/export-limits.js';
import { logger } from '../logger.js';
import type { ExportConfig, OtlpProtocol } from '../types.js';
import type { EnvReader } from './env-reader.js';

/** Where spans go when nothing is configured: the local OTLP/HTTP port (a Collector, or `spanwise dev`). */
export const DEFAULT_TRACES_ENDPOINT = 'http://localhost:4318/v1/traces';
/** Where spans go over gRPC when nothing is configured: the local OTLP/gRPC port. */
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
/** Default cap on the estimated encoded bytes held in the export queue (`SPANWISE_MAX_QUEUE_BYTES`). */
export const DEFAULT_MAX_QUEUE_BYTES = 8 * 1024 * 1024;

function validUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const SIGNAL_PATH = '/v1/traces';
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

function resolveEndpoint(env: EnvReader, protocol: OtlpProtocol): string {
  const grpc = protocol === 'grpc';
  const fallback = grpc ? DEFAULT_GRPC_ENDPOINT : DEFAULT_TRACES_ENDPOINT;
  const signal = env.first('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (signal !== undefined) {
    if (validUrl(signal.value)) return signal.value;
    env.invalid(signal.name, displayUrl(signal.value), 'an http(s) URL', fallback);
    return fallback;
  }
  const base = env.first('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return fallback;
  if (!validUrl(base.value)) {
    env.invalid(base.name, displayUrl(base.value), 'an http(s) URL', fallback);
    return fallback;
  }
  // A gRPC endpoint names the server only.
  if (grpc) return base.value;
  // The spec appends the signal path to the base endpoint's path, keeping any prefix (and query) it has.
  const url = new URL(base.value);
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(SIGNAL_PATH)) {
    // The full traces URL given as the base: appending would POST to .../v1/traces/v1/traces and every export
    // would get a 404. What was meant is plain, so use it as given and say how to set it.
    logger.warn(
      `OTEL_EXPORTER_OTLP_ENDPOINT=${JSON.stringify(displayUrl(base.value))} already ends in ${SIGNAL_PATH}, but ` +
        `it is the base URL that ${SIGNAL_PATH} is appended to; using it as given. Set OTEL_EXPORTER_OTLP_ENDPOINT ` +
        `to the base (without ${SIGNAL_PATH}), or the full URL in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.`,
    );
  }
  url.pathname = path.endsWith(SIGNAL_PATH) ? path : `${path}${SIGNAL_PATH}`;
  return url.toString();
}

// A header name (RFC 9110 token): the only part of a bad entry a warning may show.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The key of a bad headers entry, for its warning, or undefined when the entry has none. The value is never
 * shown: `x-token:SECRET` (a colon for the `=`) is the common mistake, and its value is a credential.
 */
function entryKey(entry: string): string | undefined {
  const separator = entry.search(/[=:]/);
  const key = separator < 0 ? '' : entry.slice(0, separator).trim();
  return HEADER_NAME.test(key) ? key : undefined;
}

/** Parses `key=value,key2=value2` (values URL-encoded), as `OTEL_EXPORTER_OTLP_HEADERS` holds. */
function parseHeaders(env: EnvReader, name: string, into: Record<string, string>): void {
  const raw = env.raw(name);
  if (raw === undefined) return;
  const entries = raw.split(',');
  entries.forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (key === '' || !HEADER_NAME.test(key)) {
      const shown = entryKey(entry);
      logger.warn(
        `${name} entry ${index + 1} of ${entries.length}${shown === undefined ? '' : ` (key "${shown}")`} is not ` +
          'a key=value pair with a valid header name; skipping that entry. Its value is not shown, as it may be a ' +
          'credential. Write entries as key=value, values percent-encoded, separated by commas.',
      );
      return;
    }
    const value = entry.slice(eq + 1).trim();
    try {
      into[key.toLowerCase()] = decodeURIComponent(value);
    } catch {
      into[key.toLowerCase()] = value;
    }
  });
}

function readCertificate(env: EnvReader): string | undefined {
  const found = env.first('OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE');
  if (found === undefined) return undefined;
  try {
    return readFileSync(found.value, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    env.invalid(found.name, found.value, `a readable PEM file (${reason})`, 'the system CAs only');
    return undefined;
  }
}

/**
 * The export pipeline's configuration from the standard OTLP and BSP variables plus `SPANWISE_*`.
 * `protocolOption` (the programmatic `export.protocol`) picks the endpoint default when given.
 */
export function resolveExportConfig(env: EnvReader, protocolOption?: OtlpProtocol): ExportConfig {
  const headers: Record<string, string> = {};
  parseHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', headers);
  parseHeaders(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', headers);

  const protocolVars = ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'];
  const fromEnv = env.oneOf(protocolVars, PROTOCOLS, 'http/protobuf');
  let protocol = protocolOption ?? fromEnv;
  if (!PROTOCOLS.includes(protocol)) {
    env.invalid('export.protocol', String(protocol), `one of ${PROTOCOLS.join(', ')}`, fromEnv);
    protocol = fromEnv;
  }
  const maxQueueSize = env.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1);
  let maxExportBatchSize = env.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1);
  if (maxExportBatchSize > maxQueueSize) {
    // A batch can never be larger than the queue: clamp quietly unless the user asked for that batch size.
    if (env.raw('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') !== undefined) {
      env.invalid(
        'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        String(maxExportBatchSize),
        `at most OTEL_BSP_MAX_QUEUE_SIZE (${maxQueueSize})`,
        String(maxQueueSize),
      );
    }
    maxExportBatchSize = maxQueueSize;
  }
  const certificate = readCertificate(env);
  return {
    endpoint: resolveEndpoint(env, protocol),
    protocol,
    headers,
    timeoutMs: env.int(['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'], 10_000, 1),
    compression: env.oneOf(
      ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
      ['gzip', 'none'] as const,
      'none',
    ),
    ...(certificate === undefined ? {} : { certificate }),
    maxQueueSize,
    maxQueueBytes: env.int('SPANWISE_MAX_QUEUE_BYTES', DEFAULT_MAX_QUEUE_BYTES, 1024),
    maxExportBatchSize,
    scheduledDelayMs: env.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 0),
    dropPolicy: env.oneOf('SPANWISE_DROP_POLICY', ['newest', 'oldest'] as const, 'newest'),
    maxRequestBytes: env.int('SPANWISE_MAX_REQUEST_BYTES', EXPORT_DEFAULTS.maxRequestBytes, 1024),
    maxRetries: env.int('SPANWISE_EXPORT_MAX_RETRIES', EXPORT_DEFAULTS.maxRetries, 0),
    exportTimeoutMs: env.int('OTEL_BSP_EXPORT_TIMEOUT', EXPORT_DEFAULTS.exportTimeoutMs, 0),
    initialBackoffMs: env.int('SPANWISE_EXPORT_INITIAL_BACKOFF_MS', EXPORT_DEFAULTS.initialBackoffMs, 1),
    maxBackoffMs: env.int('SPANWISE_EXPORT_MAX_BACKOFF_MS', EXPORT_DEFAULTS.maxBackoffMs, 1),
    circuitThreshold: env.int('SPANWISE_CIRCUIT_THRESHOLD', EXPORT_DEFAULTS.circuitThreshold, 1),
    probeIntervalMs: env.int('SPANWISE_CIRCUIT_PROBE_INTERVAL_MS', EXPORT_DEFAULTS.probeIntervalMs, 1),
  };
}
