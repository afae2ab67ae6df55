import { DEFAULT_REDACTED_QUERY_PARAMS } from '../instrumentations/url-redactor.js';
import type { EnvReader } from './env-reader.js';

const VARIABLE = 'SPANWISE_REDACTED_QUERY_PARAMS';

/**
 * The query parameters to redact: `TracingOptions.http.redactedQueryParams`, else
 * `SPANWISE_REDACTED_QUERY_PARAMS` (comma-separated; `none` for an empty list), else the default list. Either
 * one replaces the default list; names keep their spelling (they match case-insensitively anyway).
 */
export function resolveRedactedQueryParams(env: EnvReader, option: unknown): readonly string[] {
  if (option !== undefined) {
    if (Array.isArray(option) && option.every((name) => typeof name === 'string')) {
      return option.map((name: string) => name.trim()).filter((name) => name !== '');
    }
    env.invalid(
      'http.redactedQueryParams',
      Array.isArray(option) ? 'an array with a non-string entry' : typeof option,
      'an array of parameter names',
      'the default list',
    );
    return DEFAULT_REDACTED_QUERY_PARAMS;
  }
  const raw = env.raw(VARIABLE);
  if (raw === undefined) return DEFAULT_REDACTED_QUERY_PARAMS;
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 1 && names[0]?.toLowerCase() === 'none') return [];
  if (names.length === 0) {
    env.invalid(VARIABLE, raw, 'a comma-separated list of names, or none', 'the default list');
    return DEFAULT_REDACTED_QUERY_PARAMS;
  }
  return names;
}
