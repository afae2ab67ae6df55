import { displayUrl } from './display-url.js';
import type { ExportOutcome } from './export-outcome.js';
import { cleanMessage, readExportResponse } from './otlp-response-reader.js';
import { forEachField, varintAt } from './protobuf-fields.js';
import { MAX_RETRY_AFTER_MS } from './retry-policy.js';

/** gRPC status codes by number, for messages. */
const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

const RESOURCE_EXHAUSTED = 8;

/**
 * The codes the OTLP specification (OTLP/gRPC "Failures") calls retryable: CANCELLED, DEADLINE_EXCEEDED,
 * ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. RESOURCE_EXHAUSTED only when the status carries RetryInfo.
 */
const RETRYABLE_CODES = new Set([1, 4, 10, 11, 14, 15]);

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** What one unary `Export` call came to. */
export interface GrpcResult {
  /** The gRPC status code (0 = OK). */
  code: number;
  /** The serialized `ExportTraceServiceResponse` when `code` is 0. */
  response: Buffer | undefined;
  /** The status message, or why no status arrived. */
  details: string;
  /** The `grpc-status-details-bin` trailer: a serialized `google.rpc.Status`. */
  statusDetails: Buffer | undefined;
}

/** Classifies the status of one gRPC export call as the OTLP specification asks. */
export function classifyGrpcOutcome(result: GrpcResult, endpoint: string): ExportOutcome {
  const { code } = result;
  if (code === 0) {
    if (result.response === undefined) return { kind: 'delivered', rejected: 0, message: undefined };
    const response = readExportResponse(result.response, 'grpc');
    return { kind: 'delivered', rejected: response.rejectedSpans, message: response.errorMessage };
  }
  const name = CODE_NAMES[code] ?? `status ${code}`;
  // `details` comes from the server or a proxy: one printable line, bounded, like an HTTP error body.
  const details = cleanMessage(result.details);
  const error = `gRPC ${name} from ${displayUrl(endpoint)}${details ? `: ${details}` : ''}`;
  const retryDelayMs = retryInfoDelay(result.statusDetails);
  // A request over the server's message size (grpc-js and grpc-go both say "larger than max"): split it, as
  // for HTTP 413.
  if (code === RESOURCE_EXHAUSTED && retryDelayMs === undefined && /larger than max/i.test(result.details)) {
    return { kind: 'too-large', error };
  }
  if (RETRYABLE_CODES.has(code) || (code === RESOURCE_EXHAUSTED && retryDelayMs !== undefined)) {
    return { kind: 'retry', error, retryAfterMs: retryDelayMs };
  }
  return { kind: 'rejected', error };
}

/**
 * `RetryInfo.retry_delay` in ms from a serialized `google.rpc.Status`, capped like `Retry-After`; undefined
 * when the status has no RetryInfo or cannot be read.
 */
export function retryInfoDelay(status: Buffer | undefined): number | undefined {
  if (status === undefined || status.length === 0) return undefined;
  let delay: number | undefined;
  try {
    // google.rpc.Status { repeated google.protobuf.Any details = 3 }
    forEachField(status, 0, status.length, (field, _s, anyStart, anyEnd) => {
      if (field !== 3 || delay !== undefined) return;
      // google.protobuf.Any { string type_url = 1; bytes value = 2 }
      let typeUrl = '';
      let value: [number, number] | undefined;
      forEachField(status, anyStart, anyEnd, (f, _fs, start, end) => {
        if (f === 1) typeUrl = status.toString('utf8', start, end);
        else if (f === 2) value = [start, end];
      });
      if (typeUrl !== RETRY_INFO_TYPE) return;
      // RetryInfo { Duration retry_delay = 1 }; Duration { int64 seconds = 1; int32 nanos = 2 }
      let seconds = 0;
      let nanos = 0;
      const [infoStart, infoEnd] = value ?? [0, 0];
      forEachField(status, infoStart, infoEnd, (f, _fs, durationStart, durationEnd) => {
        if (f !== 1) return;
        forEachField(status, durationStart, durationEnd, (d, _ds, at) => {
          if (d === 1) seconds = varintAt(status, at);
          else if (d === 2) nanos = varintAt(status, at);
        });
      });
      // A negative int64 reads as a huge number: it is clamped to the cap, as any too-long delay is.
      delay = Math.min(Math.max(seconds * 1000 + Math.floor(nanos / 1e6), 0), MAX_RETRY_AFTER_MS);
    });
  } catch {
    return undefined;
  }
  return delay;
}
