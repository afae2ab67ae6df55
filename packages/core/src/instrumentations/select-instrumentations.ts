import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from '../logger.js';
import { CATALOG, type CatalogEntry } from './catalog.js';
import { isInstalled, moduleRoots } from './installed-modules.js';

/** Which instrumentations the user asked for, by short name (see the catalog). */
export interface InstrumentationSelection {
  enabled?: readonly string[] | undefined;
  disabled?: readonly string[] | undefined;
}

function warnUnknown(names: readonly string[] | undefined, source: string): void {
  for (const name of names ?? []) {
    if (!CATALOG.some((entry) => entry.name === name)) {
      const known = CATALOG.map((entry) => entry.name).join(', ');
      logger.warn(`${source} names "${name}", which is not one of ${known}; ignoring it.`);
    }
  }
}

/**
 * The catalog entries to enable. With `installedOnly` (the ES module loader, which must know its modules up
 * front) an entry also needs its target module installed; otherwise the instrumentation is loaded only when
 * the app requires the library, which already costs nothing for libraries it does not have.
 */
export function selectInstrumentations(
  selection: InstrumentationSelection,
  installedOnly: boolean,
): CatalogEntry[] {
  warnUnknown(selection.enabled, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  warnUnknown(selection.disabled, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  const roots = installedOnly ? moduleRoots() : [];
  return CATALOG.filter((entry) => {
    const wanted = selection.enabled ? selection.enabled.includes(entry.name) : entry.defaultOn;
    if (!wanted || selection.disabled?.includes(entry.name)) return false;
    return !installedOnly || entry.builtin === true || entry.modules.some((name) => isInstalled(name, roots));
  });
}

/** Loads and builds the entry's instrumentations; a failure warns and yields none. */
export function createInstrumentations(entry: CatalogEntry): Instrumentation[] {
  try {
    const created = entry.create();
    return Array.isArray(created) ? created : [created];
  } catch (error) {
    const missing = missingPackage(error);
    logger.warn(
      missing === undefined
        ? `could not load the ${entry.name} instrumentation (${String(error)}); continuing without it.`
        : `the ${entry.name} instrumentation needs ${missing}, which is not installed; ${entry.name} is not traced. Install it beside @spanwise/core: npm install ${missing}`,
    );
    return [];
  }
}

/**
 * The package a failed `require` named, when it is one of the optional instrumentation peers: the data-store
 * and gRPC instrumentations are installed by the app (see packages/core/README.md), so their absence is normal.
 */
function missingPackage(error: unknown): string | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'MODULE_NOT_FOUND') return undefined;
  const name = /'(@opentelemetry\/instrumentation-[a-z0-9-]+)'/.exec(String((error as Error).message))?.[1];
  return name;
}
