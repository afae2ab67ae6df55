// Reads what `spanwise dev --out FILE` wrote (OTLP/JSON lines) and checks the demo's promise: each request is
// exactly one connected trace, and it reaches every service that ran.
import { readFileSync } from 'node:fs';

const SERVER = 2;
const STATUS_ERROR = 2;

/** Every span in an OTLP/JSON lines file, flattened, with its service name. */
export function readSpans(file) {
  const spans = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    for (const resourceSpans of JSON.parse(line).resourceSpans ?? []) {
      const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value
        ?.stringValue;
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            error: span.status?.code === STATUS_ERROR,
          });
        }
      }
    }
  }
  return spans;
}

/**
 * Problems found, or an empty list. `requests`: `{ label, traceId, expectError }` (the trace id from the
 * gateway's x-trace-id header); `services`: the services every request's trace must contain.
 */
export function checkTraces(spans, requests, services) {
  const problems = [];
  const traces = Map.groupBy(spans, (span) => span.traceId);
  for (const request of requests) {
    const trace = traces.get(request.traceId) ?? [];
    if (trace.length === 0) {
      problems.push(`${request.label}: no spans of trace ${request.traceId}`);
      continue;
    }
    const seen = new Set(trace.map((span) => span.service));
    const missing = services.filter((service) => !seen.has(service));
    if (missing.length > 0) problems.push(`${request.label}: trace has no spans from ${missing.join(', ')}`);
    const ids = new Set(trace.map((span) => span.spanId));
    const roots = trace.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId));
    if (roots.length !== 1) {
      problems.push(
        `${request.label}: ${roots.length} roots (${roots.map((s) => s.name).join(', ')}), not 1`,
      );
    } else if (roots[0].service !== 'gateway' || roots[0].kind !== SERVER) {
      problems.push(
        `${request.label}: the root is ${roots[0].service} "${roots[0].name}", not the gateway's`,
      );
    }
    if (request.expectError && !trace.some((span) => span.error)) {
      problems.push(`${request.label}: no span with status ERROR`);
    }
  }
  // Exactly one trace per request: no span of the request path (a server or messaging span of any service)
  // may sit in some other trace.
  const requestTraces = new Set(requests.map((request) => request.traceId));
  for (const span of spans) {
    if (!requestTraces.has(span.traceId) && span.kind >= SERVER) {
      problems.push(`span ${span.service} "${span.name}" is in trace ${span.traceId}, outside every request`);
    }
  }
  return problems;
}
