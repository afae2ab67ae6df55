import Module from 'node:module';
import type { CatalogEntry } from './catalog.js';
import { packageOf } from './package-of.js';

type RequireFn = (this: NodeJS.Module, id: string) => unknown;

/**
 * Calls `enable(entry, importer)` (the requiring module's file) just before the first `require()` of one of the entry's modules, so an instrumentation
 * package is loaded only by apps that load its library: installed is not the same as used (a transitive
 * dependency such as @grpc/grpc-js may never be required). Enabling happens before the module loads, so the
 * instrumentation's own require hook sees that very load, internal files included.
 *
 * CommonJS only: ES module imports are watched by the import hooks (import-hooks.ts). Returns a function that
 * stops watching.
 */
export function enableOnFirstRequire(
  entries: readonly CatalogEntry[],
  enable: (entry: CatalogEntry, importer: string | undefined) => void,
): () => void {
  const pending = new Map<string, CatalogEntry>();
  for (const entry of entries) for (const name of entry.modules) pending.set(name, entry);
  const prototype = Module.prototype as unknown as { require: RequireFn };
  const original = prototype.require;
  const watcher: RequireFn = function watchRequire(this: NodeJS.Module, id: string) {
    if (pending.size > 0 && typeof id === 'string') {
      const name = id.startsWith('node:') ? id.slice(5) : id;
      const entry = pending.get(name) ?? pending.get(packageOf(name));
      if (entry !== undefined) {
        for (const name of entry.modules) pending.delete(name);
        enable(entry, typeof this?.filename === 'string' ? this.filename : undefined);
        // The instrumentation's require hook now sits above this function: go through it.
        // biome-ignore lint/complexity/noArguments: forward every argument, as the original require takes them
        return prototype.require.apply(this, arguments as unknown as [string]);
      }
    }
    // biome-ignore lint/complexity/noArguments: forward every argument, as the original require takes them
    return original.apply(this, arguments as unknown as [string]);
  };
  prototype.require = watcher;
  return () => {
    pending.clear();
    if (prototype.require === watcher) prototype.require = original;
  };
}
