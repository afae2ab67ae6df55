import type { Attributes } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LogLevel } from '../logger.js';
import { logger } from '../logger.js';
import { isSpanProcessor } from '../sdk/guarded-span-processor.js';
import type { ExportConfig, TracingOptions } from '../types.js';
import type { EnvReader } from './env-reader.js';
import { mergeExportOptions, wholeOption } from './export-options.js';
import { type HttpConfig, resolveHttpConfig } from './http-config.js';
import { resolveExportConfig } from './otlp-config.js';
import { type PropagatorName, resolvePropagatorNames } from './propagators.js';
import { resolveRedactedQueryParams } from './redacted-query-params.js';
import { type DetectorChoice, resolveDetectors } from './resource-detectors.js';
import { resolveSampler, type SamplerSpec } from './sampler.js';
import { resolveSpanEngine, type SpanEngine } from './span-engine.js';
import { type ResolvedSpanLimits, resolveSpanLimits } from './span-limits.js';

/** Default for `SPANWISE_SHUTDOWN_TIMEOUT_MS`. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

/** Everything `startTracing` needs, with the environment and options already merged and validated. */
export interface ResolvedConfig {
  serviceName?: string | undefined;
  serviceVersion?: string | undefined;
  resourceAttributes?: Attributes | undefined;
  resourceDetectors: DetectorChoice[];
  exporter: 'otlp' | 'console' | 'none';
  export: ExportConfig;
  sampler: SamplerSpec;
  propagators: PropagatorName[];
  /** Level for Spanwise's own messages; `otelLogLevel` is set only when `OTEL_LOG_LEVEL` was given. */
  logLevel: LogLevel;
  otelLogLevel?: LogLevel | 'verbose' | 'all';
  enabledInstrumentations?: string[] | undefined;
  disabledInstrumentations?: string[] | undefined;
  shutdownTimeoutMs: number;
  maxSpanNames: number;
  handleSignals: boolean;
  /** Query parameters whose values are redacted in `url.query` and `url.full`. */
  redactedQueryParams: readonly string[];
  http: HttpConfig;
  /** The user's extra span processors, checked. */
  spanProcessors: SpanProcessor[];
  /** `SPANWISE_ENGINE`: which implementation makes the spans. */
  engine: SpanEngine;
  /** The `OTEL_SPAN_*` / `OTEL_ATTRIBUTE_*` limits, applied by either engine. */
  spanLimits: ResolvedSpanLimits;
}

function resolveSpanProcessors(processors: unknown): SpanProcessor[] {
  if (processors === undefined) return [];
  if (!Array.isArray(processors)) {
    logger.warn('TracingOptions.spanProcessors is not an array of span processors; ignoring it.');
    return [];
  }
  return processors.filter((processor, index) => {
    if (isSpanProcessor(processor)) return true;
    logger.warn(
      `TracingOptions.spanProcessors[${index}] is not a SpanProcessor (onStart, onEnd, forceFlush, shutdown); ` +
        'leaving it out.',
    );
    return false;
  });
}

const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;

function resolveExporter(env: EnvReader, option: TracingOptions['exporter']): ResolvedConfig['exporter'] {
  if (option !== undefined) return option;
  const names = env.list('OTEL_TRACES_EXPORTER');
  if (names === undefined || names.length === 0) return 'otlp';
  const [first] = names;
  if (names.length > 1)
    env.invalid('OTEL_TRACES_EXPORTER', names.join(','), 'a single exporter', String(first));
  if (first === 'otlp' || first === 'console' || first === 'none') return first;
  env.invalid('OTEL_TRACES_EXPORTER', String(first), 'one of otlp, console, none', 'otlp');
  return 'otlp';
}

/** `OTEL_LOG_LEVEL`, or undefined when unset or bad: a typo gets the default, not some other level. */
function resolveOtelLogLevel(env: EnvReader): ResolvedConfig['otelLogLevel'] {
  const raw = env.raw('OTEL_LOG_LEVEL');
  if (raw === undefined) return undefined;
  const match = LOG_LEVELS.find((level) => level === raw.toLowerCase());
  if (match !== undefined) return match;
  env.invalid(
    'OTEL_LOG_LEVEL',
    raw,
    `one of ${LOG_LEVELS.join(', ')}`,
    'the default (warn for Spanwise, OpenTelemetry diagnostics off)',
  );
  return undefined;
}

/** Merges options over the environment. Bad values warn and fall back; nothing here throws. */
export function resolveConfig(
  env: EnvReader,
  options: TracingOptions,
  handleSignalsDefault: boolean,
): ResolvedConfig {
  const otelLevel = resolveOtelLogLevel(env);
  const logLevel: LogLevel =
    otelLevel === undefined ? 'warn' : otelLevel === 'verbose' || otelLevel === 'all' ? 'debug' : otelLevel;
  const exportConfig = mergeExportOptions(
    env,
    resolveExportConfig(env, options.export?.protocol),
    options.export,
  );
  const shutdownTimeoutMs = env.int('SPANWISE_SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS, 0);
  const maxSpanNames = env.int('SPANWISE_MAX_SPAN_NAMES', 1000, 1);
  return {
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    resourceAttributes: options.resourceAttributes,
    resourceDetectors: resolveDetectors(env, options.resourceDetectors),
    exporter: resolveExporter(env, options.exporter),
    export: exportConfig,
    sampler: resolveSampler(env, options.sampler, options.samplerArg),
    propagators: resolvePropagatorNames(env, options.propagators),
    logLevel,
    ...(otelLevel === undefined ? {} : { otelLogLevel: otelLevel }),
    enabledInstrumentations:
      options.enabledInstrumentations ?? env.list('OTEL_NODE_ENABLED_INSTRUMENTATIONS'),
    disabledInstrumentations:
      options.disabledInstrumentations ?? env.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS'),
    shutdownTimeoutMs:
      options.shutdownTimeoutMs === undefined
        ? shutdownTimeoutMs
        : wholeOption(env, 'shutdownTimeoutMs', options.shutdownTimeoutMs, 0, shutdownTimeoutMs),
    maxSpanNames:
      options.maxSpanNames === undefined
        ? maxSpanNames
        : wholeOption(env, 'maxSpanNames', options.maxSpanNames, 1, maxSpanNames),
    handleSignals: options.handleSignals ?? handleSignalsDefault,
    redactedQueryParams: resolveRedactedQueryParams(env, options.http?.redactedQueryParams),
    http: resolveHttpConfig(env, options.http),
    spanProcessors: resolveSpanProcessors(options.spanProcessors),
    engine: resolveSpanEngine(env),
    spanLimits: resolveSpanLimits(env),
  };
}
