import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkLimits,
  checkRun,
  type ExpectedLimits,
  type SamplerSpec,
} from './support/conformance-checks.js';
import { type AllowedDifference, diff, formatDifferences, unexplained } from './support/conformance-diff.js';
import { type NormalizeOptions, normalizeRun } from './support/conformance-normalize.js';
import { type ConformanceRun, runConformanceWorkload } from './support/conformance-run.js';

// The span-engine conformance test: the same scripted workload (test/fixtures/conformance) runs in a child
// process once per engine (under the register hook, or under startTracing() with a custom sampler and a span
// processor), and what the receiver decodes is compared span by span, together with what the process itself
// saw (isRecording, trace flags, what threw, what the processor read). Every difference is a failure unless
// ALLOWED below lists it with its reason; docs/span-engine.md lists the same deliberate differences.
//
// CONFORMANCE_ENGINES=sdk,sdk runs the harness against itself (it must find nothing).

const [BASE, CANDIDATE] = (process.env.CONFORMANCE_ENGINES ?? 'sdk,lean').split(',') as [
  'lean' | 'sdk',
  'lean' | 'sdk',
];

/**
 * What a run of each engine must report: its tracer provider's class and, if any span recorded, only its
 * span class (a sampler that records nothing leaves `spans` out).
 */
const ENGINE_CLASSES: Record<
  'lean' | 'sdk',
  (spans: string[] | undefined) => ConformanceRun['report']['implementation']
> = {
  lean: (spans) => ({
    provider: 'LeanTracerProvider',
    ...(spans === undefined ? {} : { spans: ['LeanSpan'] }),
  }),
  sdk: (spans) => ({ provider: 'TracerProvider', ...(spans === undefined ? {} : { spans: ['SpanImpl'] }) }),
};

const REGISTER = '@spanwise/core/register';
const fixtures = join(__dirname, 'fixtures', 'conformance');
const fixed = createRequire(__filename)(join(fixtures, 'fixed-ids.cjs')) as {
  FIXED_CONTEXTS: Record<string, { traceId: string; spanId: string }>;
  RATIO_PARENT_SPAN_ID: string;
  RATIO_TRACE_IDS: string[];
};
const FIXED_IDS = new Set([
  ...Object.values(fixed.FIXED_CONTEXTS).flatMap((c) => [c.traceId, c.spanId]),
  fixed.RATIO_PARENT_SPAN_ID,
  ...fixed.RATIO_TRACE_IDS,
]);

/** Deliberate differences of the candidate engine from the SDK's, each with its reason (docs/span-engine.md). */
const ALLOWED: readonly AllowedDifference[] = [
  {
    path: /^\.facts\.throws\["startActiveSpan\(name, options\) without a function"\]$/,
    reason:
      'lean reads startActiveSpan arguments by type: no callback, no span, returns undefined; the SDK starts a span it never ends and throws a TypeError into the app',
  },
  {
    path: /^\.extras\.processor\["start hostile\.options-no-fn /,
    reason:
      'the same call: the SDK hands span processors the start of that span, which never ends; lean starts none',
  },
];

/** Values two processes never share: the pid and the ports (URLs with `127.0.0.1:<port>` are normalized). */
const VOLATILE: Record<string, RegExp> = {
  resource: /^process\.pid$/,
  '@opentelemetry/instrumentation-http': /^(server|network\.peer)\.port$/,
  '@spanwise/core/http-server': /^(server|network\.peer)\.port$/,
};

interface RunSpec {
  label: string;
  env?: Record<string, string>;
  /** `node --import` the ES module workload instead of `--require` the CommonJS one. */
  esm?: boolean;
  /** `node workload-programmatic.cjs`: `startTracing()` with a custom sampler and a span processor. */
  programmatic?: boolean;
  sampler?: SamplerSpec;
  /** What the limits the run sets must do, whichever engine runs. */
  limits?: ExpectedLimits;
}

const DEFAULT_SAMPLER: SamplerSpec = { name: 'parentbased_always_on' };

const RUNS: RunSpec[] = [
  { label: 'require, defaults' },
  { label: 'import (ES module), defaults', esm: true },
  {
    label: 'startTracing() with a custom sampler and a span processor',
    programmatic: true,
    sampler: { name: 'custom' },
    env: { OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '12' },
  },
  {
    label: 'span limits',
    env: {
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '6',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '8',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '3',
      OTEL_SPAN_LINK_COUNT_LIMIT: '2',
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '2',
      OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '1',
    },
    limits: { attributes: 6, valueLength: 5, events: 3, links: 2, eventAttributes: 2, linkAttributes: 1 },
  },
  {
    label: 'general attribute limits',
    env: { OTEL_ATTRIBUTE_COUNT_LIMIT: '4', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3' },
    limits: { attributes: 4, valueLength: 3 },
  },
  {
    label: 'zero limits',
    env: {
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '0',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '0',
      OTEL_SPAN_LINK_COUNT_LIMIT: '0',
    },
    limits: { attributes: 0, valueLength: Number.POSITIVE_INFINITY, events: 0, links: 0 },
  },
  ...[
    { name: 'always_on' },
    { name: 'always_off' },
    { name: 'traceidratio', arg: 0.5 },
    { name: 'parentbased_always_off' },
    { name: 'parentbased_traceidratio', arg: 0.5 },
  ].map(
    (sampler): RunSpec => ({
      label: `sampler ${sampler.name}${sampler.arg === undefined ? '' : ` ${sampler.arg}`}`,
      sampler,
      env: {
        OTEL_TRACES_SAMPLER: sampler.name,
        ...(sampler.arg === undefined ? {} : { OTEL_TRACES_SAMPLER_ARG: String(sampler.arg) }),
      },
    }),
  ),
];

function run(spec: RunSpec, engine: string): Promise<ConformanceRun> {
  const args = spec.programmatic
    ? [join(fixtures, 'workload-programmatic.cjs')]
    : [
        spec.esm ? '--import' : '--require',
        REGISTER,
        join(fixtures, spec.esm ? 'workload.mjs' : 'workload.cjs'),
      ];
  return runConformanceWorkload(`${spec.label} (${engine})`, args, {
    OTEL_SERVICE_NAME: 'conformance',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=spans',
    SPANWISE_ENGINE: engine,
    ...spec.env,
  });
}

function normalizeOptions(spec: RunSpec): NormalizeOptions {
  return {
    fixedIds: FIXED_IDS,
    // Ratio samplers decide the workload's random trace ids at random: checkRun judges those one run at a time.
    onlyFixedTraces: spec.sampler?.name.includes('traceidratio') ?? false,
    isVolatile: (where, key) => VOLATILE[where]?.test(key) ?? false,
  };
}

describe(`span engines: ${CANDIDATE} against ${BASE}, span by span`, () => {
  for (const spec of RUNS) {
    it(`${spec.label}: the same spans, observations and facts`, async () => {
      const [base, candidate] = await Promise.all([run(spec, BASE), run(spec, CANDIDATE)]);
      const sampler = spec.sampler ?? DEFAULT_SAMPLER;
      expect(checkRun(base, sampler), `${BASE} stderr:\n${base.stderr}`).toEqual([]);
      expect(checkRun(candidate, sampler), `${CANDIDATE} stderr:\n${candidate.stderr}`).toEqual([]);
      if (spec.limits) {
        expect(checkLimits(base, spec.limits)).toEqual([]);
        expect(checkLimits(candidate, spec.limits)).toEqual([]);
      }
      // Each run was made by the engine it names, every recording span included.
      for (const [engine, { report }] of [
        [BASE, base],
        [CANDIDATE, candidate],
      ] as const) {
        expect(report.implementation, engine).toEqual(ENGINE_CLASSES[engine](report.implementation.spans));
      }
      const a = normalizeRun(base, normalizeOptions(spec));
      const b = normalizeRun(candidate, normalizeOptions(spec));
      // The comparison means something only if the workload ran through: every step observed.
      expect(Object.keys(a.observations).length).toBeGreaterThan(
        spec.sampler?.name.includes('ratio') ? 4 : 70,
      );
      const differences = unexplained(diff(a, b), ALLOWED, spec.label);
      expect(formatDifferences(differences, BASE, CANDIDATE)).toEqual([]);
    }, 60_000);
  }
});

describe('the conformance harness', () => {
  it('reports a change in any compared field, and nothing for the same run', async () => {
    const spec = RUNS[0]!;
    const original = await run(spec, BASE);
    const perturbed: ConformanceRun = structuredClone(original);
    const spans = perturbed.requests.flatMap((r) =>
      r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
    );
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const attribute = byName('attributes.types').attributes.find((kv) => kv.key === 'negative')!;
    attribute.value!.intValue = '-8';
    byName('remote.sampled.child').flags ^= 0x200;
    byName('events').droppedEventsCount += 1;
    byName('active.inner').parentSpanId = byName('active.outer').spanId;
    byName('events.timed').events[0]!.timeUnixNano = String(
      BigInt(byName('events.timed').events[0]!.timeUnixNano) + 1n,
    );
    byName('links').links[0]!.traceState = 'l=2';
    byName('status.ok-overrides-error').status = { code: 2, message: 'first' };
    for (const ss of perturbed.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans))) {
      ss.spans = ss.spans.filter((s) => s.name !== 'kind.server');
    }
    const observation = perturbed.report.observations.find((o) => o.key === 'kind.client')!;
    observation.traceFlags = 0;

    const options = normalizeOptions(spec);
    expect(diff(normalizeRun(original, options), normalizeRun(structuredClone(original), options))).toEqual(
      [],
    );
    const paths = diff(normalizeRun(original, options), normalizeRun(perturbed, options)).map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '.spans["attributes.types"].attributes.negative',
        '.spans["remote.sampled.child"].flags',
        '.spans.events.droppedEventsCount',
        '.spans["active.inner"].parentSpanId',
        '.spans["events.timed"].events[0].time',
        '.spans.links.links[0].traceState',
        '.spans["status.ok-overrides-error"].status.code',
        '.spans["kind.server"]',
        '.observations["kind.client"].traceFlags',
      ]),
    );
  }, 60_000);
});
