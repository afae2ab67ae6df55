import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EnvReader } from './env-reader.js';

const KNOWN = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'] as const;

/** The propagator names Spanwise understands in `OTEL_PROPAGATORS`. */
export type PropagatorName = (typeof KNOWN)[number];

/** Names from the option or `OTEL_PROPAGATORS` (default `tracecontext,baggage`); unknown names warn and are skipped. */
export function resolvePropagatorNames(env: EnvReader, names?: string[]): PropagatorName[] {
  const source = names ? 'propagators' : 'OTEL_PROPAGATORS';
  const requested = names?.map((name) => name.trim().toLowerCase()) ??
    env.list('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  const result: PropagatorName[] = [];
  for (const name of requested) {
    const known = KNOWN.find((k) => k === name);
    if (known === undefined) {
      env.invalid(source, name, `one of ${KNOWN.join(', ')}`, 'no propagator for that entry');
    } else if (!result.includes(known)) {
      result.push(known);
    }
  }
  return result.includes('none') ? [] : result;
}

// The B3 and Jaeger packages are required only when named, so the default start-up does not load them.
function create(name: Exclude<PropagatorName, 'none'>): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'b3': {
      const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
    }
    case 'b3multi': {
      const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
    }
    case 'jaeger': {
      const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');
      return new JaegerPropagator();
    }
  }
}

/**
 * One propagator that injects every configured format and extracts from whichever the request carries.
 * B3 extraction reads both the single and the multi-header form, whichever was configured.
 */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators = names.filter((name) => name !== 'none').map(create);
  return new CompositePropagator({ propagators });
}
