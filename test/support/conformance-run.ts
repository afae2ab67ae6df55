import { type OtlpRequestObject, startOtlpCapture } from './otlp-capture.js';
import { runNode } from './run-node.js';

/** What the workload saw of one span it started (see test/fixtures/conformance/workload-steps.cjs). */
export interface Observation {
  key: string;
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState: string | null;
  isRemote: boolean | null;
  valid: boolean;
  recording: boolean;
  parentTraceId: string | null;
  parentSpanId: string | null;
  parentTraceFlags: number | null;
  parentIsRemote: boolean | null;
}

/** The workload's `CONFORMANCE` line. */
export interface WorkloadReport {
  observations: Observation[];
  facts: Record<string, unknown>;
  /** What the app around the workload adds (a span processor's views); compared like `facts`. */
  extras: Record<string, unknown>;
  /** Wall-clock times (ms) the workload expects some spans to carry: judged per run, never compared. */
  timing: { performanceStartMs: number; performanceEndMs: number };
  /** The classes of the recording spans the workload saw, and of the tracer provider behind the API: which engine ran. */
  implementation: { spans?: string[]; provider: string };
  /** `performance.timeOrigin` and `Date.now()` at the end: every time not set explicitly lies between. */
  timeOriginMs: number;
  endMs: number;
}

/** One run of the workload in a child process and what its receiver got. */
export interface ConformanceRun {
  label: string;
  requests: OtlpRequestObject[];
  report: WorkloadReport;
  code: number | null;
  stderr: string;
}

const REPORT_PREFIX = 'CONFORMANCE ';

/** Runs `node ...args` with its OTLP exporter pointed at a fresh receiver, and collects the workload's report. */
export async function runConformanceWorkload(
  label: string,
  args: string[],
  env: Record<string, string>,
): Promise<ConformanceRun> {
  const capture = await startOtlpCapture();
  try {
    // The register hook flushes before the process exits, so once it has exited every request is in.
    const result = await runNode(args, { OTEL_EXPORTER_OTLP_ENDPOINT: capture.receiver.url, ...env });
    const line = result.stdout.split('\n').find((l) => l.startsWith(REPORT_PREFIX));
    if (line === undefined) {
      throw new Error(
        `${label}: the workload printed no report (exit ${result.code ?? result.signal})\n` +
          `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
      );
    }
    const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as WorkloadReport;
    return { label, requests: capture.requests, report, code: result.code, stderr: result.stderr };
  } finally {
    await capture.receiver.close();
  }
}
