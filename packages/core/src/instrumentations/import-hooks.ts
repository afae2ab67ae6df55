import { registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { logger } from '../logger.js';
import type { CatalogEntry } from './catalog.js';
import { packageOf } from './package-of.js';

type ResolveHook = NonNullable<Parameters<typeof registerHooks>[0]['resolve']>;
type LoadHook = NonNullable<Parameters<typeof registerHooks>[0]['load']>;

/** import-in-the-middle's loader, as `create-hook.mjs` builds it. */
interface IitmLoader {
  resolveSync: ResolveHook;
  loadSync: LoadHook;
  applyOptions(options: { include: string[] }): void;
}

/** What the import hooks do with the libraries the app imports. */
export interface ImportHooksPlan {
  /** Entries whose instrumentation is enabled just before the app first imports one of their modules. */
  entries: readonly CatalogEntry[];
  /** Returns false when the entry stays off (see `CatalogEntry.notFrom`): its modules are then not wrapped. */
  enable: (entry: CatalogEntry, importer: string | undefined) => boolean | undefined;
  /**
   * `wrap`: import-in-the-middle wraps the imported modules, so the enabled instrumentations patch their
   * exports. `warn`: this Node cannot run that loader in-thread; name the fix once, on the first import of a
   * library that would need it.
   */
  loader: 'wrap' | 'warn';
}

/** Node versions whose `module.registerHooks` runs import-in-the-middle's loader in-thread. */
const SYNC_LOADER_NODE = '22.22.3, 24.11.1, 25.1 or newer';

/** Whether this Node runs import-in-the-middle's loader in-thread (`module.registerHooks`). */
export function supportsSyncImportHooks(): boolean {
  try {
    const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as {
      supportsSyncHooks(): boolean;
    };
    return supportsSyncHooks();
  } catch {
    return false;
  }
}

/**
 * import-in-the-middle's loader, built now. It is loaded on the first import of a library it must wrap, not
 * at start-up: with its parsers it adds about 9 MB of RSS (`node -e "require('import-in-the-middle/
 * create-hook.mjs')"` against `node -e 0`), which would break the start-up budget of an app that imports
 * nothing Spanwise instruments. `create-hook.mjs` is what `register-hooks.mjs` registers, minus the eager load.
 */
function createLoader(include: string[]): IitmLoader {
  const dir = dirname(require.resolve('import-in-the-middle'));
  const { createHook } = require(join(dir, 'create-hook.mjs')) as {
    createHook(meta: { url: string }): IitmLoader;
  };
  const loader = createHook({ url: pathToFileURL(join(dir, 'hook.mjs')).href });
  loader.applyOptions({ include });
  return loader;
}

/** The bare package an import specifier names, or `undefined` for relative, absolute and URL specifiers. */
function importedPackage(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':')) return undefined;
  return packageOf(specifier);
}

/**
 * Synchronous, in-thread module hooks (`module.registerHooks`, Node >= 22.15) that see every `import`, under
 * `--require` as under `--import`: `require()` is left to the CommonJS watcher and require-in-the-middle.
 * Just before the first import of a library, its instrumentation is enabled (so it is loaded only by apps
 * that use the library) and import-in-the-middle wraps the module, so the instrumentation patches what the
 * importer receives. Returns a function that stops enabling.
 */
export function installImportHooks(plan: ImportHooksPlan): () => void {
  const pending = new Map<string, CatalogEntry>();
  const include = new Set<string>();
  const builtins = new Set<string>();
  for (const entry of plan.entries) {
    for (const name of entry.modules) {
      pending.set(name, entry);
      // Instrumentations that listen on diagnostics channels need no wrapping, only enabling.
      if (entry.channels !== true) include.add(name);
      if (entry.builtin === true) builtins.add(name);
    }
  }
  let loader: IitmLoader | undefined;
  let activating = false;
  let warned = false;

  /** Builds the loader on the first import of a module it must wrap; false when that is impossible here. */
  const activate = (name: string): boolean => {
    if (plan.loader === 'warn') {
      // A built-in is patched in place through its CommonJS exports, which an import's default export is.
      if (!warned && !builtins.has(name)) {
        warned = true;
        logger.warn(
          `${name} is imported by an ES module, which Node ${process.versions.node} lets Spanwise instrument only ` +
            `under --import; start node with --import @spanwise/core/register, or upgrade Node to ${SYNC_LOADER_NODE}.`,
        );
      }
      return false;
    }
    activating = true;
    try {
      loader = createLoader([...include]);
      return true;
    } catch (error) {
      include.clear();
      logger.warn(
        `ES module imports will not be instrumented: the loader failed to load (${String(error)}).`,
      );
      return false;
    } finally {
      activating = false;
    }
  };

  const resolve: ResolveHook = (specifier, context, nextResolve) => {
    if (activating || context.conditions?.includes('require') === true)
      return nextResolve(specifier, context);
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    if (pending.size > 0) {
      const name = importedPackage(bare);
      const entry = name === undefined ? undefined : pending.get(name);
      if (entry !== undefined) {
        for (const module of entry.modules) pending.delete(module);
        if (plan.enable(entry, context.parentURL) === false) {
          for (const module of entry.modules) include.delete(module);
        }
      }
    }
    if (loader === undefined && (!include.has(bare) || !activate(bare)))
      return nextResolve(specifier, context);
    return (loader as IitmLoader).resolveSync(specifier, context, nextResolve);
  };
  const load: LoadHook = (url, context, nextLoad) =>
    loader === undefined ? nextLoad(url, context) : loader.loadSync(url, context, nextLoad);

  registerHooks({ resolve, load });
  return () => pending.clear();
}
