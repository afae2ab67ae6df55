import type { Sampler } from '@opentelemetry/sdk-trace';
import { logger } from '../logger.js';
import type { EnvReader } from './env-reader.js';

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** A sampler name as `OTEL_TRACES_SAMPLER` takes it. */
export type SamplerName = (typeof SAMPLERS)[number];

function ratio(env: EnvReader, explicit: number | undefined): number {
  if (explicit !== undefined) {
    if (Number.isFinite(explicit) && explicit >= 0 && explicit <= 1) return explicit;
    env.invalid('samplerArg', String(explicit), 'a number from 0 to 1', '1');
    return 1;
  }
  const raw = env.raw('OTEL_TRACES_SAMPLER_ARG');
  if (raw === undefined) return 1;
  const parsed = Number(raw);
  if (Number.isFinite(parsed) && parsed >= 0 && parsed <= 1) return parsed;
  env.invalid('OTEL_TRACES_SAMPLER_ARG', raw, 'a number from 0 to 1', '1');
  return 1;
}

/** An argument given to a sampler that takes none does nothing; say so, as a ratio was clearly wanted. */
function warnUnusedArg(env: EnvReader, sampler: SamplerName, explicit: number | undefined): void {
  const raw = explicit === undefined ? env.raw('OTEL_TRACES_SAMPLER_ARG') : String(explicit);
  if (raw === undefined) return;
  const name = explicit === undefined ? 'OTEL_TRACES_SAMPLER_ARG' : 'samplerArg';
  logger.warn(
    `${name}=${JSON.stringify(raw)} does nothing with the sampler ${sampler}: only traceidratio and ` +
      'parentbased_traceidratio take an argument. To sample that ratio of traces, set ' +
      'OTEL_TRACES_SAMPLER=parentbased_traceidratio.',
  );
}

/** A validated sampler choice: built into an SDK sampler only when the SDK loads (see `createSampler`). */
export interface SamplerSpec {
  name: SamplerName | 'custom';
  /** The user's own sampler, for `name: 'custom'`. */
  custom?: Sampler;
  /** The ratio of the `traceidratio` samplers; 1 for the others. */
  ratio: number;
}

/**
 * The sampler named by the option or `OTEL_TRACES_SAMPLER` (default `parentbased_always_on`). An unknown
 * name warns and falls back to the default, so a typo never turns tracing off.
 */
export function resolveSampler(env: EnvReader, name?: string | Sampler, arg?: number): SamplerSpec {
  let chosen: SamplerName = 'parentbased_always_on';
  if (typeof name === 'object' && name !== null) {
    if (typeof name.shouldSample === 'function') return { name: 'custom', custom: name, ratio: 1 };
    env.invalid('sampler', String(name), 'a sampler name or an object with shouldSample()', chosen);
  } else if (typeof name === 'string') {
    const match = SAMPLERS.find((s) => s === name.toLowerCase());
    if (match === undefined) env.invalid('sampler', name, `one of ${SAMPLERS.join(', ')}`, chosen);
    else chosen = match;
  } else {
    chosen = env.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, chosen);
  }
  const usesRatio = chosen === 'traceidratio' || chosen === 'parentbased_traceidratio';
  if (!usesRatio) warnUnusedArg(env, chosen, arg);
  return { name: chosen, ratio: usesRatio ? ratio(env, arg) : 1 };
}

/** The SDK sampler for a spec; it requires `@opentelemetry/sdk-trace`, so call it only once the SDK loads. */
export function createSampler(spec: SamplerSpec): Sampler {
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  if (spec.custom !== undefined) return spec.custom;
  switch (spec.name) {
    case 'always_on':
      return new sdk.AlwaysOnSampler();
    case 'always_off':
      return new sdk.AlwaysOffSampler();
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(spec.ratio);
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(spec.ratio) });
    default:
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}
