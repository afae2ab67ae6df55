import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from '../logger.js';
import { CATALOG, type CatalogEntry, type InstrumentationSettings } from './catalog.js';
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
export function createInstrumentations(
  entry: CatalogEntry,
  settings: InstrumentationSettings,
): Instrumentation[] {
  try {
    const created = entry.create(settings);
    return Array.isArray(created) ? created : [created];
  } catch (error) {
    logger.warn(
      `could not load the ${entry.name} instrumentation (${String(error)}); continuing without it.`,
    );
    return [];
  }
}
