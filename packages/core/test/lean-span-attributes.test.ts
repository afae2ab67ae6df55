// Lean span attributes against the SDK's span, call for call: keys a plain object inherits, repeated keys,
// values of every kind, the count and length limits, and the dropped count that goes on the wire.
import { type Attributes, type AttributeValue, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  type ReadableSpan,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedSpanLimits } from '../src/config/span-limits.js';
import { DEFAULT_SPAN_LIMITS } from '../src/config/span-limits.js';
import { LeanTracerProvider } from '../src/engine/index.js';
import { PooledIdGenerator } from '../src/sdk/pooled-id-generator.js';

const resource = resourceFromAttributes({});
const ignore: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

function spans(limits: ResolvedSpanLimits): [Span, Span] {
  const lean = new LeanTracerProvider({
    resource,
    sampler: new AlwaysOnSampler(),
    idGenerator: new PooledIdGenerator(),
    spanLimits: limits,
    spanProcessors: [ignore],
  });
  const sdk = new TracerProvider({ resource, spanLimits: limits, spanProcessors: [ignore] });
  return [
    lean.getTracer('t').startSpan('s', {}, ROOT_CONTEXT),
    sdk.getTracer('t').startSpan('s', {}, ROOT_CONTEXT),
  ];
}

const KEYS = [
  'a',
  'b',
  'toString',
  'constructor',
  'hasOwnProperty',
  'valueOf',
  '__proto__',
  '',
  'http.route',
];
const VALUES: AttributeValue[] = ['x', 'long value'.repeat(3), 0, -1.5, true, ['p', 'q'], [1, 2]];

describe('LeanSpan attributes', () => {
  it('count, keep and drop exactly what the SDK span does, inherited key names included', () => {
    const call = fc.oneof(
      fc.tuple(fc.constant('one' as const), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)),
      fc.tuple(
        fc.constant('many' as const),
        fc.oneof(
          fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 4 }),
          // What a careless caller passes instead of an object.
          fc.constantFrom(null, undefined, 'ab', 7),
        ),
        fc.constant(undefined),
      ),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(4, 100),
        fc.array(call, { maxLength: 12 }),
        (countLimit, lengthLimit, calls) => {
          const limits = {
            ...DEFAULT_SPAN_LIMITS,
            attributeCountLimit: countLimit,
            attributeValueLengthLimit: lengthLimit,
          };
          const [lean, sdk] = spans(limits);
          for (const [kind, a, b] of calls) {
            for (const span of [lean, sdk]) {
              if (kind === 'one') span.setAttribute(a as string, b as AttributeValue);
              else span.setAttributes(a as Attributes);
            }
          }
          const view = (span: Span) => {
            const readable = span as unknown as ReadableSpan;
            return { attributes: { ...readable.attributes }, dropped: readable.droppedAttributesCount };
          };
          expect(view(lean)).toEqual(view(sdk));
        },
      ),
      { numRuns: 500 },
    );
  });
});
