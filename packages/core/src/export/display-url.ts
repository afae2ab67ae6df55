/**
 * The collector URL as Spanwise shows it in warnings and `stats().lastError`: a user and password read
 * `REDACTED:REDACTED`, every query value reads `REDACTED`, and a `#fragment` (never sent to the collector)
 * is left out, since a collector URL carries credentials there if anywhere (`https://user:key@collector/`,
 * `...?api_key=...`). Works on strings that are not valid URLs too, as a bad `OTEL_EXPORTER_OTLP_ENDPOINT`
 * is echoed in its warning.
 */
export function displayUrl(url: string): string {
  // Everything before an `@` in the authority is a user or password, with or without a scheme before it.
  const noUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1REDACTED:REDACTED@');
  const hash = noUser.indexOf('#');
  const shown = hash < 0 ? noUser : noUser.slice(0, hash);
  const mark = shown.indexOf('?');
  if (mark < 0) return shown;
  const query = shown.slice(mark + 1);
  const names = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=', 1)[0]}=REDACTED`);
  return `${shown.slice(0, mark)}?${names.join('&')}`;
}
