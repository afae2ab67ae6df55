import { flattenSpans, hex } from './conformance-normalize.js';
import type { ConformanceRun, Observation } from './conformance-run.js';
import type { OtlpAnyValue } from './otlp-capture.js';

// What every run must satisfy on its own, whichever engine made it: comparing two runs cannot show what
// both get wrong the same way, nor judge what is random (ratio samplers on random trace ids).

/** A sampler as `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name it. */
export interface SamplerSpec {
  name: string;
  arg?: number;
}

const NS_PER_MS = 1_000_000n;

/** The SDK's TraceIdRatioBasedSampler: the XOR of the trace id's four 32-bit words against ratio × 2³²−1. */
export function ratioSamples(traceId: string, ratio: number): boolean {
  if (!/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId)) return false;
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8)
    accumulation = (accumulation ^ Number.parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  return accumulation < Math.floor(Math.min(Math.max(ratio, 0), 1) * 0xffffffff);
}

/** Whether `sampler` records the span observed in `o`, as the OpenTelemetry specification says. */
function expectedRecording(o: Observation, sampler: SamplerSpec): boolean {
  const ratio = sampler.arg ?? 1;
  const hasParent = o.parentSpanId !== null && !/^0+$/.test(o.parentSpanId) && o.parentTraceId !== null;
  const root = (name: string): boolean => {
    if (name === 'always_on') return true;
    if (name === 'always_off') return false;
    if (name === 'traceidratio') return ratioSamples(o.traceId, ratio);
    throw new Error(`no expectation for sampler ${name}`);
  };
  if (sampler.name.startsWith('parentbased_')) {
    return hasParent
      ? ((o.parentTraceFlags ?? 0) & 1) === 1
      : root(sampler.name.slice('parentbased_'.length));
  }
  return root(sampler.name);
}

/** What is wrong with one run on its own; empty when nothing is. */
export function checkRun(run: ConformanceRun, sampler: SamplerSpec): string[] {
  const problems: string[] = [];
  const flat = flattenSpans(run);
  const exported = new Map(flat.map((f) => [hex(f.span.spanId), f.span]));
  if (run.code !== 0) problems.push(`the workload exited with ${run.code}`);
  if (exported.size !== flat.length) problems.push(`${flat.length - exported.size} span ids were sent twice`);
  for (const { span } of flat) {
    if (BigInt(span.endTimeUnixNano) < BigInt(span.startTimeUnixNano)) {
      problems.push(
        `${span.name}: ends at ${span.endTimeUnixNano}, before its start ${span.startTimeUnixNano}`,
      );
    }
  }
  for (const o of run.report.observations) {
    const sent = exported.has(o.spanId);
    const sampled = o.recording && (o.traceFlags & 1) === 1;
    if (sampled !== sent) {
      problems.push(`${o.key}: recorded and sampled ${sampled}, but ${sent ? '' : 'not '}exported`);
    }
    // A custom sampler's decisions are judged by comparing the two engines only.
    if (sampler.name === 'custom') continue;
    // Suppressed tracing (the exporter's own calls, ignored requests) records nothing, whatever the sampler says.
    const expected = o.key.startsWith('suppressed.') ? false : expectedRecording(o, sampler);
    if (o.recording !== expected) {
      problems.push(`${o.key}: ${sampler.name} should ${expected ? '' : 'not '}record it`);
    }
    if (o.recording && (o.traceFlags & 1) !== 1) {
      problems.push(`${o.key}: recorded but its trace flags are ${o.traceFlags}`);
    }
  }
  const clockTimes = flat
    .flatMap(({ span }) => [span.startTimeUnixNano, span.endTimeUnixNano])
    .map(BigInt)
    .filter((t) => t > BigInt(Math.floor(run.report.timeOriginMs - 1000)) * NS_PER_MS);
  if (clockTimes.length > 0 && clockTimes.every((t) => t % NS_PER_MS === 0n)) {
    problems.push('every time from the clock is a whole millisecond: nanoseconds are truncated');
  }
  const byName = new Map(flat.map((f) => [f.span.name, f.span]));
  const sleeper = byName.get('time.sleep');
  if (sleeper) {
    const ms = Number(BigInt(sleeper.endTimeUnixNano) - BigInt(sleeper.startTimeUnixNano)) / 1e6;
    if (!(ms >= 20 && ms < 10_000)) problems.push(`time.sleep (a 30 ms sleep) lasted ${ms} ms`);
  }
  const performanceSpan = byName.get('time.performance');
  if (performanceSpan) {
    for (const [field, ms] of [
      ['startTimeUnixNano', run.report.timing.performanceStartMs],
      ['endTimeUnixNano', run.report.timing.performanceEndMs],
    ] as const) {
      const offMs = Math.abs(Number(BigInt(performanceSpan[field]) / NS_PER_MS) - ms);
      if (offMs > 100)
        problems.push(`time.performance: ${field} is ${offMs} ms off the performance.now() it was given`);
    }
  }
  return problems;
}

/** The limits a run sets, as the OpenTelemetry specification defines their effect. */
export interface ExpectedLimits {
  /** Span attributes kept at most (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, else OTEL_ATTRIBUTE_COUNT_LIMIT). */
  attributes: number;
  /** Longest string kept in any attribute value (the span's OTEL_*_ATTRIBUTE_VALUE_LENGTH_LIMIT). */
  valueLength: number;
  events?: number;
  links?: number;
  eventAttributes?: number;
  linkAttributes?: number;
}

function longestString(value: OtlpAnyValue | null | undefined): number {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue.length;
    case 'arrayValue':
      return Math.max(0, ...(value.arrayValue?.values ?? []).map(longestString));
    case 'kvlistValue':
      return Math.max(0, ...(value.kvlistValue?.values ?? []).map((kv) => longestString(kv.value)));
    case 'bytesValue':
      return value.bytesValue.length;
    default:
      return 0;
  }
}

/**
 * What is wrong with a run's limits, judged against their definition rather than against the other engine
 * (both engines read the limits from the same configuration, so a comparison alone cannot catch it).
 */
export function checkLimits(run: ConformanceRun, limits: ExpectedLimits): string[] {
  const problems: string[] = [];
  const over = (what: string, count: number, limit: number | undefined) => {
    if (limit !== undefined && count > limit) problems.push(`${what}: ${count}, over the limit of ${limit}`);
  };
  for (const { span } of flattenSpans(run)) {
    over(`${span.name} attributes`, span.attributes.length, limits.attributes);
    over(`${span.name} events`, span.events.length, limits.events);
    over(`${span.name} links`, span.links.length, limits.links);
    for (const e of span.events)
      over(`${span.name} event ${e.name} attributes`, e.attributes.length, limits.eventAttributes);
    for (const l of span.links)
      over(`${span.name} link attributes`, l.attributes.length, limits.linkAttributes);
    const lists = [
      span.attributes,
      ...span.events.map((e) => e.attributes),
      ...span.links.map((l) => l.attributes),
    ];
    for (const kv of lists.flat())
      over(`${span.name} ${kv.key} length`, longestString(kv.value), limits.valueLength);
  }
  // Exact counts where the workload knows them: 21 distinct keys on attributes.many (start.0 is overwritten).
  const many = flattenSpans(run).find((f) => f.span.name === 'attributes.many')?.span;
  if (many !== undefined) {
    const kept = Math.min(limits.attributes, 21);
    const dropped = limits.attributes === 0 ? 22 : 21 - kept;
    if (many.attributes.length !== kept || many.droppedAttributesCount !== dropped) {
      problems.push(
        `attributes.many: ${many.attributes.length} kept and ${many.droppedAttributesCount} dropped, not ${kept} and ${dropped}`,
      );
    }
  }
  return problems;
}
