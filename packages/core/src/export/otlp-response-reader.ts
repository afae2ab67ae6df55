import type { OtlpProtocol } from '../types.js';
import { scanJsonResponse } from './otlp-response-json.js';
import { forEachField, LENGTH_DELIMITED, varintAt } from './protobuf-fields.js';
import { VARINT } from './protobuf-writer.js';

/**
 * The read limit: a response body longer than this is skipped unread (the transport drains and discards
 * it). An `ExportTraceServiceResponse` is a count and one message, well under 1 KiB in practice.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024;
/** `error_message` is cut to this many characters, so `stats().lastError` stays one short line. */
export const MAX_ERROR_MESSAGE_CHARS = 512;

/** What an export response body says: `partial_success.rejected_spans` and `error_message`. */
export interface ExportResponse {
  /** Spans the collector refused; 0 when absent, unreadable, negative or above 2^53. */
  rejectedSpans: number;
  /** The collector's explanation, cut and with control characters replaced; `undefined` when absent. */
  errorMessage: string | undefined;
}

const NOTHING: ExportResponse = Object.freeze({ rejectedSpans: 0, errorMessage: undefined });

/**
 * Reads an OTLP `ExportTraceServiceResponse` (protobuf, or OTLP/JSON for `http/json`) in one bounded pass
 * over the bytes: no module load, no object tree, nothing kept. Anything malformed, truncated, or longer
 * than {@link MAX_RESPONSE_BYTES} reads as no partial success. Replaces `@opentelemetry/otlp-transformer`'s
 * `deserializeResponse`, whose first use loads that package on the main thread (about 110 ms of
 * synchronous work) in the middle of serving traffic; and `JSON.parse` takes milliseconds on a hostile
 * 16 KiB body (deep nesting), which this scan does not build.
 */
export function readExportResponse(body: Uint8Array, protocol: OtlpProtocol): ExportResponse {
  if (body.length === 0 || body.length > MAX_RESPONSE_BYTES) return NOTHING;
  try {
    const read = protocol === 'http/json' ? scanJsonResponse(body) : readProtobuf(body);
    if (read === undefined) return NOTHING;
    const message = read.errorMessage === undefined ? undefined : cleanMessage(read.errorMessage);
    return { rejectedSpans: toCount(read.rejectedSpans), errorMessage: message };
  } catch {
    return NOTHING;
  }
}

/** A count the pipeline can use: a non-negative safe integer, else 0. */
function toCount(value: number): number {
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The message as one printable line of at most {@link MAX_ERROR_MESSAGE_CHARS} characters. */
export function cleanMessage(text: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const line = text.slice(0, MAX_ERROR_MESSAGE_CHARS).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return line.trim() === '' ? undefined : line;
}

/**
 * `ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }` and
 * `ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }`. Repeated fields merge
 * as protobuf says: the last value wins. The low three bits of a tag's first byte are its wire type.
 */
function readProtobuf(buf: Uint8Array): ExportResponse {
  let rejectedSpans = 0;
  let errorMessage: string | undefined;
  forEachField(buf, 0, buf.length, (field, start, valueStart, end) => {
    if (field !== 1 || (buf[start]! & 7) !== LENGTH_DELIMITED) return;
    forEachField(buf, valueStart, end, (f, s, vs, e) => {
      const wireType = buf[s]! & 7;
      if (f === 1 && wireType === VARINT)
        rejectedSpans = varintAt(buf, vs); // past 2^53 or negative: toCount makes it 0
      else if (f === 2 && wireType === LENGTH_DELIMITED) {
        errorMessage = Buffer.from(buf.buffer, buf.byteOffset + vs, e - vs).toString('utf8');
      }
    });
  });
  return { rejectedSpans, errorMessage };
}
