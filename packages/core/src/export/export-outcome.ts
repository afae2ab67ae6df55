import type { OtlpProtocol } from '../types.js';
import { displayUrl } from './display-url.js';
import type { HttpResult } from './http-transport.js';
import { readExportResponse } from './otlp-response-reader.js';
import { isRetryable, parseRetryAfter } from './retry-policy.js';

/** What the answer to an export request means for its batch. */
export type ExportOutcome =
  /** Accepted; `rejected` spans were refused in a partial success, `message` says why when the collector did. */
  | { kind: 'delivered'; rejected: number; message: string | undefined }
  /** 413: too large, split it. */
  | { kind: 'too-large'; error: string }
  /** Retrying cannot help (400 and the like): drop it. */
  | { kind: 'rejected'; error: string }
  /** Worth retrying; `retryAfterMs` when the collector said when. */
  | { kind: 'retry'; error: string; retryAfterMs: number | undefined };

/** Classifies the answer to one export request. */
export function classifyOutcome(result: HttpResult, protocol: OtlpProtocol, endpoint: string): ExportOutcome {
  const { status } = result;
  if (status >= 200 && status < 300) {
    const response = readExportResponse(result.body, protocol);
    return { kind: 'delivered', rejected: response.rejectedSpans, message: response.errorMessage };
  }
  const error = result.error ?? `HTTP ${status} from ${displayUrl(endpoint)}`;
  if (status === 413) return { kind: 'too-large', error };
  if (!isRetryable(status)) return { kind: 'rejected', error };
  return { kind: 'retry', error, retryAfterMs: parseRetryAfter(result.retryAfter, Date.now()) };
}
