import { logger } from '../logger.js';
import type { EnvReader } from './env-reader.js';

/** Headers that carry credentials: never recorded, even when named. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
]);

/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Header names to record, per side and direction; empty lists record nothing. */
export interface CapturedHeaders {
  serverRequest: string[];
  serverResponse: string[];
  clientRequest: string[];
  clientResponse: string[];
}

/** The programmatic form: `TracingOptions.http.captureHeaders`. */
export type CaptureHeadersOptions = Partial<Record<keyof CapturedHeaders, string[]>>;

const VARIABLES: Record<keyof CapturedHeaders, string> = {
  serverRequest: 'OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST',
  serverResponse: 'OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE',
  clientRequest: 'OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST',
  clientResponse: 'OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_RESPONSE',
};

/** Lower-cases, dedupes and checks a list; credentials and malformed names warn, naming `source`, and are left out. */
function cleanNames(names: readonly unknown[], source: string): string[] {
  const kept = new Set<string>();
  for (const [index, raw] of names.entries()) {
    const name = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (name === '') continue;
    if (CREDENTIAL_HEADERS.has(name)) {
      logger.warn(
        `${source} names "${name}", which carries credentials and is never recorded; leaving it out.`,
      );
    } else if (/[:=]/.test(name)) {
      // A pasted `name: value` or `name=value` may hold a secret: name the entry by position only.
      logger.warn(
        `${source} entry ${index + 1} looks like a header with its value (only names are listed; its text is ` +
          'not shown); leaving it out.',
      );
    } else if (!TOKEN.test(name)) {
      logger.warn(`${source} entry ${JSON.stringify(raw)} is not an HTTP header name; leaving it out.`);
    } else {
      kept.add(name);
    }
  }
  return [...kept];
}

/**
 * The header names to record, from `TracingOptions.http.captureHeaders` (each list replaces its variable)
 * or the `OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_*` variables (comma-separated).
 */
export function resolveCapturedHeaders(env: EnvReader, options: CaptureHeadersOptions = {}): CapturedHeaders {
  const resolved = {} as CapturedHeaders;
  for (const key of Object.keys(VARIABLES) as (keyof CapturedHeaders)[]) {
    const option = options[key];
    resolved[key] = Array.isArray(option)
      ? cleanNames(option, `TracingOptions.http.captureHeaders.${key}`)
      : cleanNames(env.list(VARIABLES[key]) ?? [], VARIABLES[key]);
  }
  return resolved;
}
