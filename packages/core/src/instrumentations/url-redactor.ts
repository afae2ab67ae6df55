/**
 * Query parameters whose values Spanwise replaces with `REDACTED` in `url.query` and `url.full` unless
 * `SPANWISE_REDACTED_QUERY_PARAMS` or `TracingOptions.http.redactedQueryParams` replaces the list. Names match
 * case-insensitively. It covers common credentials and the signature parameters the OpenTelemetry HTTP
 * semantic conventions name (plus the AWS SigV4 ones `@opentelemetry/instrumentation-http` adds).
 */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = Object.freeze([
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'auth',
  'jwt',
  'session',
  'sessionid',
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
]);

/** What a redacted value, and the user and password of a URL, read instead. */
export const REDACTED = 'REDACTED';

// `/`, `?` and `#` end the authority part of a URL, where `user:password@` is.
const AUTHORITY_END = new Set([0x2f, 0x3f, 0x23]);

function decodeName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) return name;
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Replaces secret values in URLs and query strings, keeping every other byte as it was (no re-encoding, so
 * what is left is what the request carried). Built once from the configured names; `redact*` do no work
 * beyond a character scan for a URL without a query or credentials.
 */
export class UrlRedactor {
  private readonly names: ReadonlySet<string>;
  /** Lengths of the names: a parameter of any other length is skipped without slicing or lower-casing it. */
  private readonly lengths: ReadonlySet<number>;

  /** `list`: the parameter names as configured. */
  constructor(readonly list: readonly string[]) {
    this.names = new Set(list.map((name) => name.toLowerCase()));
    this.lengths = new Set([...this.names].map((name) => name.length));
  }

  /** A query string (without `?`) with the values of the listed parameters replaced. */
  redactQuery(query: string): string {
    if (this.names.size === 0) return query;
    let out: string | undefined;
    let copied = 0;
    let start = 0;
    // The next `=` is found once per `=`, not once per parameter: linear even for `a&a&a...` without any.
    let eq = -1;
    // An escaped name (`pass%77ord`) has another length than the name it decodes to.
    const escaped = query.includes('%') || query.includes('+');
    for (;;) {
      let end = query.indexOf('&', start);
      if (end < 0) end = query.length;
      if (eq < start) {
        eq = query.indexOf('=', start);
        if (eq < 0) eq = query.length + 1;
      }
      if (
        eq > start &&
        eq < end &&
        (escaped || this.lengths.has(eq - start)) &&
        this.isSecret(query.slice(start, eq))
      ) {
        if (query.slice(eq + 1, end) !== REDACTED) {
          out = `${out ?? ''}${query.slice(copied, eq + 1)}${REDACTED}`;
          copied = end;
        }
      }
      if (end >= query.length) break;
      start = end + 1;
    }
    return out === undefined ? query : out + query.slice(copied);
  }

  private isSecret(name: string): boolean {
    return this.names.has(decodeName(name).toLowerCase());
  }

  /**
   * A URL with its user and password (`user:pass@`) replaced by `REDACTED:REDACTED`, as the semantic
   * conventions ask for `url.full`, and the values of the listed query parameters replaced.
   */
  redactUrl(url: string): string {
    // Most URLs have neither: two native scans and no allocation.
    if (!url.includes('@') && !url.includes('?')) return url;
    let result = url;
    const scheme = url.indexOf('://');
    if (scheme > 0) {
      const hostStart = scheme + 3;
      let hostEnd = hostStart;
      while (hostEnd < url.length && !AUTHORITY_END.has(url.charCodeAt(hostEnd))) hostEnd++;
      const at = url.lastIndexOf('@', hostEnd - 1);
      if (at >= hostStart && url.slice(hostStart, at) !== `${REDACTED}:${REDACTED}`) {
        result = `${url.slice(0, hostStart)}${REDACTED}:${REDACTED}${url.slice(at)}`;
      }
    }
    const mark = result.indexOf('?');
    if (mark < 0 || this.names.size === 0) return result;
    const hash = result.indexOf('#', mark);
    const queryEnd = hash < 0 ? result.length : hash;
    const query = result.slice(mark + 1, queryEnd);
    const redacted = this.redactQuery(query);
    return redacted === query ? result : `${result.slice(0, mark + 1)}${redacted}${result.slice(queryEnd)}`;
  }
}
