/** The package a bare specifier names: `express` for `express/lib/router`, `@grpc/grpc-js` for itself. */
export function packageOf(id: string): string {
  const slash = id.indexOf('/');
  if (slash < 0) return id;
  if (id.charCodeAt(0) !== 64 /* @ */) return id.slice(0, slash);
  const second = id.indexOf('/', slash + 1);
  return second < 0 ? id : id.slice(0, second);
}
