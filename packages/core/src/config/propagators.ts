import type { TextMapPropagator } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3Propagator } from '../propagation/b3-propagator.js';
import { FirstContextPropagator } from '../propagation/composite-propagator.js';
import { JaegerPropagator } from '../propagation/jaeger-propagator.js';
import { OtTracePropagator } from '../propagation/ottrace-propagator.js';
import type { EnvReader } from './env-reader.js';

const KNOWN = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'ottrace', 'none'] as const;
const DEFAULT: readonly PropagatorName[] = ['tracecontext', 'baggage'];

/** The propagator names Spanwise understands in `OTEL_PROPAGATORS`. */
export type PropagatorName = (typeof KNOWN)[number];

/**
 * Names from the option or `OTEL_PROPAGATORS` (default `tracecontext,baggage`), without duplicates. Unknown
 * names are skipped with one warning that names them and what is used instead; when no valid name is left,
 * the default is used, so a typo never switches propagation off (only `none` does).
 */
export function resolvePropagatorNames(env: EnvReader, names?: string[]): PropagatorName[] {
  const source = names ? 'propagators' : 'OTEL_PROPAGATORS';
  const requested = names?.map((name) => name.trim().toLowerCase()) ?? env.list('OTEL_PROPAGATORS');
  // `OTEL_PROPAGATORS=,` holds no name at all: the same as unset.
  if (requested === undefined || (names === undefined && requested.length === 0)) return [...DEFAULT];
  const result: PropagatorName[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    const known = KNOWN.find((k) => k === name);
    if (known === undefined) unknown.push(name);
    else if (!result.includes(known)) result.push(known);
  }
  // An explicit empty list (`propagators: []`) means none, as the user wrote it.
  const fallBack = result.length === 0 && unknown.length > 0;
  if (unknown.length > 0) {
    const using = fallBack ? `${DEFAULT.join(',')} (the default)` : result.join(',');
    env.invalid(source, unknown.join(','), `one of ${KNOWN.join(', ')}`, using);
  }
  if (fallBack) return [...DEFAULT];
  return result.includes('none') ? [] : result;
}

function create(name: Exclude<PropagatorName, 'none'>): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'b3':
      return new B3Propagator('single');
    case 'b3multi':
      return new B3Propagator('multi');
    case 'jaeger':
      return new JaegerPropagator();
    case 'ottrace':
      return new OtTracePropagator();
  }
}

/**
 * One propagator that injects every configured format and extracts from whichever the request carries; the
 * first configured format present gives the span context. B3 extraction reads both the single and the
 * multi-header form, whichever was configured.
 */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators = names.filter((name) => name !== 'none').map(create);
  return new FirstContextPropagator(propagators);
}
