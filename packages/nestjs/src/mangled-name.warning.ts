// Bundlers rename classes: esbuild suffixes a number to a name that collides in the bundle
// (`OrdersController2`), minifiers shorten it to a letter or two. Span names then change with every build.
const RENAMED_BY_BUNDLER =
  /^[A-Za-z_$][\w$]?$|(Controller|Service|Resolver|Gateway|Processor|Consumer|Handler|Repository|Provider)\d+$/;

let warned = false;

/**
 * Warns once per process when a `@Traced` class name looks renamed by a bundler, naming the fix. Decoration
 * time only: never on a span's hot path.
 */
export function warnIfMangled(className: string, spanName: string): void {
  if (warned || !RENAMED_BY_BUNDLER.test(className)) return;
  warned = true;
  try {
    process.stderr.write(
      `[spanwise] WARN @Traced class name "${className}" looks renamed by a bundler, so spans are named ` +
        `"${spanName}"; keep class names (esbuild --keep-names, Terser keep_classnames in webpack) or pass a ` +
        `name: @Traced('OrdersService.place'). See docs/bundlers.md.\n`,
    );
  } catch {
    // stderr closed: nothing to warn on.
  }
}
