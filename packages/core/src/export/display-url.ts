/**
 * The collector URL as Spanwise shows it in warnings and `stats().lastError`: a user and password read
 * `REDACTED:REDACTED` and every query value reads `REDACTED`, since a collector URL carries credentials there
 * if anywhere (`https://user:key@collector/`, `...?api_key=...`). Works on strings that are not valid URLs
 * too, as a bad `OTEL_EXPORTER_OTLP_ENDPOINT` is echoed in its warning.
 */
export function displayUrl(url: string): string {
  // Everything before an `@` in the authority is a user or password, with or without a scheme before it.
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1REDACTED:REDACTED@');
  const mark = withoutUser.indexOf('?');
  if (mark < 0) return withoutUser;
  const hash = withoutUser.indexOf('#', mark);
  const query = withoutUser.slice(mark + 1, hash < 0 ? undefined : hash);
  const names = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=', 1)[0]}=REDACTED`);
  return `${withoutUser.slice(0, mark)}?${names.join('&')}`;
}
