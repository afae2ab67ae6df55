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
 * The catalog entries to enable: wanted, and with their target module installed, so an app pays nothing for
 * libraries it does not have.
 */
export function selectInstrumentations(selection: InstrumentationSelection): CatalogEntry[] {
  warnUnknown(selection.enabled, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  warnUnknown(selection.disabled, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  const roots = moduleRoots();
  return CATALOG.filter((entry) => {
    const wanted = selection.enabled ? selection.enabled.includes(entry.name) : entry.defaultOn;
    if (!wanted || selection.disabled?.includes(entry.name)) return false;
    return entry.builtin === true || entry.modules.some((name) => isInstalled(name, roots));
  });
}

/** Loads and builds the entry's instrumentation; a failure warns and yields nothing. */
export function createInstrumentation(entry: CatalogEntry): Instrumentation | undefined {
  try {
    return entry.create();
  } catch (error) {
    logger.warn(
      `could not load the ${entry.name} instrumentation (${String(error)}); continuing without it.`,
    );
    return undefined;
  }
}
