import type { OtlpProtocol } from '../types.js';
import type { HttpResult } from './http-transport.js';
import { otlpSerializers } from './otlp-serializers.js';
import { isRetryable, parseRetryAfter } from './retry-policy.js';

/** What the answer to an export request means for its batch. */
export type ExportOutcome =
  /** Accepted; `rejected` spans were refused in a partial success. */
  | { kind: 'delivered'; rejected: number }
  /** 413: too large, split it. */
  | { kind: 'too-large'; error: string }
  /** Retrying cannot help (400 and the like): drop it. */
  | { kind: 'rejected'; error: string }
  /** Worth retrying; `retryAfterMs` when the collector said when. */
  | { kind: 'retry'; error: string; retryAfterMs: number | undefined };

/** Classifies the answer to one export request. */
export function classifyOutcome(result: HttpResult, protocol: OtlpProtocol, endpoint: string): ExportOutcome {
  const { status } = result;
  if (status >= 200 && status < 300)
    return { kind: 'delivered', rejected: rejectedSpans(result.body, protocol) };
  const error = result.error ?? `HTTP ${status} from ${endpoint}`;
  if (status === 413) return { kind: 'too-large', error };
  if (!isRetryable(status)) return { kind: 'rejected', error };
  return { kind: 'retry', error, retryAfterMs: parseRetryAfter(result.retryAfter, Date.now()) };
}

/** `partial_success.rejected_spans` of an export response; 0 when absent or unreadable. */
export function rejectedSpans(body: Buffer, protocol: OtlpProtocol): number {
  if (body.length === 0) return 0;
  try {
    const { JsonTraceSerializer, ProtobufTraceSerializer } = otlpSerializers();
    const serializer = protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
    const rejected = Number(serializer.deserializeResponse(body).partialSuccess?.rejectedSpans ?? 0);
    return Number.isFinite(rejected) && rejected > 0 ? rejected : 0;
  } catch {
    return 0;
  }
}
