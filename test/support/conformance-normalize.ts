import type { ConformanceRun, Observation } from './conformance-run.js';
import type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
} from './otlp-capture.js';

// Two runs of the same workload differ in what is random (ids) and in what the clock says. Normalizing
// names every id after what it is (the key of the span it belongs to, or the order it was first seen in),
// keeps explicit times literally and turns the clock's times into 'now', so the rest can be compared exactly.

/** How to normalize a run. */
export interface NormalizeOptions {
  /** Ids the workload uses literally; they stay as they are. */
  fixedIds: ReadonlySet<string>;
  /** Keep only spans and observations of traces with a fixed id (ratio samplers decide random ids at random). */
  onlyFixedTraces?: boolean;
  /** Attribute values that differ between any two processes (pids): compared as `<volatile>`. */
  isVolatile(where: string, key: string): boolean;
}

/** The workload's own HTTP server listens on a port of its own in each run. */
const LOCAL_PORT = /(127\.0\.0\.1|localhost):\d+/g;

/** One exported span, ids named, times normalized, values typed. */
export interface NormalizedSpan {
  resource: string;
  scope: Record<string, unknown>;
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: string;
  start: string;
  end: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  events: Record<string, unknown>[];
  droppedEventsCount: number;
  links: Record<string, unknown>[];
  droppedLinksCount: number;
  status: { code: string; message: string };
}

/** A run, normalized: what two engines must agree on. */
export interface NormalizedRun {
  resources: Record<string, unknown>[];
  spans: Record<string, NormalizedSpan>;
  observations: Record<string, Record<string, unknown>>;
  facts: unknown;
  extras: unknown;
}

/** A span with the resource and scope it was sent under. */
export interface FlatSpan {
  resource: OtlpResourceSpans['resource'] & { schemaUrl: string };
  scope: OtlpScopeSpans['scope'] & { schemaUrl: string };
  span: OtlpSpan;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'];
const NS_PER_MS = 1_000_000n;
const NS_PER_US = 1000n;

/** Every span of a run's requests, in arrival order. */
export function flattenSpans(run: ConformanceRun): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const request of run.requests) {
    for (const rs of request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          out.push({
            resource: { ...rs.resource, schemaUrl: rs.schemaUrl },
            scope: { ...ss.scope, schemaUrl: ss.schemaUrl },
            span,
          });
        }
      }
    }
  }
  return out;
}

/** Hex of an id field. */
export function hex(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}

/** Names ids: fixed ones keep their value, the others are named once, in the order they are first seen. */
class IdNamer {
  private readonly names = new Map<string, string>();
  private traces = 0;
  private spans = 0;

  constructor(private readonly fixed: ReadonlySet<string>) {}

  trace(id: string | null): string {
    return this.name(id, () => `trace#${++this.traces}`);
  }

  span(id: string | null, as?: string): string {
    return this.name(id, () => as ?? `span#${++this.spans}`);
  }

  known(id: string): string | undefined {
    return this.names.get(id);
  }

  isFixed(id: string): boolean {
    return this.fixed.has(id);
  }

  private name(id: string | null, make: () => string): string {
    if (id === null || id === '') return '';
    if (/^0+$/.test(id)) return `invalid:${id}`;
    if (this.fixed.has(id)) return id;
    let name = this.names.get(id);
    if (name === undefined) {
      name = make();
      this.names.set(id, name);
    }
    return name;
  }
}

/** An `AnyValue` as a short typed value: `"text"`, `int:42`, `double:1.5`, `bool:true`, `bytes:01ff`, `empty`. */
function anyValue(value: OtlpAnyValue | null | undefined): unknown {
  switch (value?.value) {
    case 'stringValue':
      return JSON.stringify(value.stringValue.replace(LOCAL_PORT, '$1:<port>'));
    case 'boolValue':
      return `bool:${value.boolValue}`;
    case 'intValue':
      return `int:${value.intValue}`;
    case 'doubleValue':
      return `double:${Object.is(value.doubleValue, -0) ? '-0' : String(value.doubleValue)}`;
    case 'bytesValue':
      return `bytes:${hex(value.bytesValue)}`;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValue);
    case 'kvlistValue':
      return keyValues(value.kvlistValue?.values ?? [], () => false);
    default:
      return 'empty';
  }
}

/** A `KeyValue` list as a record; a repeated key shows as `key (again)`. */
function keyValues(
  list: readonly OtlpKeyValue[],
  volatile: (key: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    let name = key;
    while (Object.hasOwn(out, name)) name = `${name} (again)`;
    out[name] = volatile(key) ? '<volatile>' : anyValue(value);
  }
  return out;
}

/**
 * Times between the process's start and the report are the clock's: 'now', or 'now (whole ms)' when read
 * from `Date.now()` (a sub-millisecond clock lands on a whole millisecond once in a million). The process's
 * `performance.timeOrigin` (where a `startTime` of 0 lands) is 'the time origin': each run has its own,
 * a whole millisecond in about one run in a thousand, which is no difference between engines. Others were
 * set explicitly and stay as they are.
 */
function timeOf(ns: string, run: ConformanceRun): string {
  const t = BigInt(ns);
  const from = BigInt(Math.floor(run.report.timeOriginMs - 1000)) * NS_PER_MS;
  const to = BigInt(Math.ceil(run.report.endMs + 1000)) * NS_PER_MS;
  if (t < from || t > to) return ns;
  const origin = BigInt(Math.round(run.report.timeOriginMs * 1000)) * 1000n;
  const fromOrigin = t - origin;
  if (fromOrigin > -NS_PER_US && fromOrigin < NS_PER_US) return 'the time origin';
  return t % NS_PER_MS === 0n ? 'now (whole ms)' : 'now';
}

function position(ns: string, span: OtlpSpan): string {
  const t = BigInt(ns);
  if (t < BigInt(span.startTimeUnixNano)) return 'before start';
  if (t > BigInt(span.endTimeUnixNano)) return 'after end';
  return 'within';
}

/** The key of each exported span: the workload's name for it, or scope, name and kind (numbered by start). */
function keySpans(flat: FlatSpan[], namer: IdNamer): Map<FlatSpan, string> {
  const keys = new Map<FlatSpan, string>();
  const unknown: FlatSpan[] = [];
  for (const entry of flat) {
    const name = namer.known(hex(entry.span.spanId));
    if (name?.startsWith('span:')) keys.set(entry, name.slice('span:'.length));
    else unknown.push(entry);
  }
  const label = (e: FlatSpan) => `${e.scope.name}: ${e.span.name} (${KINDS[e.span.kind] ?? e.span.kind})`;
  unknown.sort(
    (a, b) =>
      label(a).localeCompare(label(b)) ||
      Number(BigInt(a.span.startTimeUnixNano) - BigInt(b.span.startTimeUnixNano)),
  );
  const seen = new Map<string, number>();
  for (const entry of unknown) {
    const base = label(entry);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n === 1 ? base : `${base} #${n}`;
    keys.set(entry, key);
    namer.span(hex(entry.span.spanId), `span:${key}`);
  }
  return keys;
}

function normalizeObservation(o: Observation, namer: IdNamer): Record<string, unknown> {
  return {
    traceId: namer.trace(o.traceId),
    spanId: namer.span(o.spanId, `span:${o.key}`),
    traceFlags: o.traceFlags,
    traceState: o.traceState,
    isRemote: o.isRemote,
    valid: o.valid,
    recording: o.recording,
    parentTraceId: namer.trace(o.parentTraceId),
    parentSpanId: namer.span(o.parentSpanId),
  };
}

function normalizeFacts(value: unknown, namer: IdNamer): unknown {
  if (typeof value === 'string') {
    return value
      .replace(/\b[0-9a-f]{32}\b/g, (id) => namer.trace(id))
      .replace(/\b[0-9a-f]{16}\b/g, (id) => namer.span(id));
  }
  if (Array.isArray(value)) return value.map((v) => normalizeFacts(v, namer));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [normalizeFacts(k, namer) as string, normalizeFacts(v, namer)]),
    );
  }
  return value;
}

/** Normalizes a run for comparison with another run of the same workload. */
export function normalizeRun(run: ConformanceRun, options: NormalizeOptions): NormalizedRun {
  const namer = new IdNamer(options.fixedIds);
  const observations: NormalizedRun['observations'] = {};
  // Observations first, in the workload's order: they name every span the workload started, exported or not.
  for (const o of run.report.observations) observations[o.key] = normalizeObservation(o, namer);
  const flat = flattenSpans(run);
  const keys = keySpans(flat, namer);
  const resources: Record<string, unknown>[] = [];
  const resourceIds = new Map<string, string>();
  const spans: NormalizedRun['spans'] = {};
  for (const entry of [...flat].sort((a, b) => keys.get(a)!.localeCompare(keys.get(b)!))) {
    const { span, scope } = entry;
    const resource = {
      attributes: keyValues(entry.resource.attributes, (key) => options.isVolatile('resource', key)),
      droppedAttributesCount: entry.resource.droppedAttributesCount,
      schemaUrl: entry.resource.schemaUrl,
    };
    const resourceJson = JSON.stringify(resource);
    let resourceId = resourceIds.get(resourceJson);
    if (resourceId === undefined) {
      resourceId = `resource#${resources.length + 1}`;
      resourceIds.set(resourceJson, resourceId);
      resources.push(resource);
    }
    let key = keys.get(entry)!;
    while (Object.hasOwn(spans, key)) key = `${key} (again)`;
    spans[key] = {
      resource: resourceId,
      scope: {
        name: scope.name,
        version: scope.version,
        schemaUrl: scope.schemaUrl,
        attributes: keyValues(scope.attributes, () => false),
        droppedAttributesCount: scope.droppedAttributesCount,
      },
      name: span.name,
      kind: KINDS[span.kind] ?? String(span.kind),
      traceId: namer.trace(hex(span.traceId)),
      spanId: namer.span(hex(span.spanId)),
      parentSpanId: namer.span(hex(span.parentSpanId)),
      traceState: span.traceState,
      flags: `0x${span.flags.toString(16)}`,
      start: timeOf(span.startTimeUnixNano, run),
      end: timeOf(span.endTimeUnixNano, run),
      attributes: keyValues(span.attributes, (k) => options.isVolatile(scope.name, k)),
      droppedAttributesCount: span.droppedAttributesCount,
      events: span.events.map((event) => ({
        name: event.name,
        time: timeOf(event.timeUnixNano, run),
        position: position(event.timeUnixNano, span),
        attributes: keyValues(event.attributes, () => false),
        droppedAttributesCount: event.droppedAttributesCount,
      })),
      droppedEventsCount: span.droppedEventsCount,
      links: span.links.map((link) => ({
        traceId: namer.trace(hex(link.traceId)),
        spanId: namer.span(hex(link.spanId)),
        traceState: link.traceState,
        flags: `0x${link.flags.toString(16)}`,
        attributes: keyValues(link.attributes, () => false),
        droppedAttributesCount: link.droppedAttributesCount,
      })),
      droppedLinksCount: span.droppedLinksCount,
      status: {
        code: STATUS_CODES[span.status?.code ?? 0] ?? String(span.status?.code),
        message: span.status?.message ?? '',
      },
    };
  }
  const normalized: NormalizedRun = {
    resources,
    spans,
    observations,
    facts: normalizeFacts(run.report.facts, namer),
    extras: normalizeFacts(run.report.extras, namer),
  };
  return options.onlyFixedTraces ? keepFixedTraces(normalized, run, namer) : normalized;
}

function keepFixedTraces(normalized: NormalizedRun, run: ConformanceRun, namer: IdNamer): NormalizedRun {
  const fixedKeys = new Set(
    run.report.observations.filter((o) => namer.isFixed(o.traceId)).map((o) => o.key),
  );
  const pick = <T>(record: Record<string, T>, keep: (key: string, value: T) => boolean) =>
    Object.fromEntries(Object.entries(record).filter(([k, v]) => keep(k, v)));
  return {
    resources: normalized.resources,
    spans: pick(normalized.spans, (_key, span) => namer.isFixed(span.traceId)),
    observations: pick(normalized.observations, (key) => fixedKeys.has(key)),
    facts: {},
    extras: {},
  };
}
