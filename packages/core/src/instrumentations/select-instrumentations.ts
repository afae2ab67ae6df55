import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from '../logger.js';
import { CATALOG, type CatalogEntry } from './catalog.js';
import { isInstalled, moduleRoots } from './installed-modules.js';

/** Which instrumentations the user asked for, by short name (see the catalog). */
export interface InstrumentationSelection {
  enabled?: readonly string[] | undefined;
  disabled?: readonly string[] | undefined;
}

/** Instrumentations that are wanted and whose target module is installed, ready to enable. */
export interface SelectedInstrumentations {
  entries: CatalogEntry[];
  instrumentations: Instrumentation[];
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
 * Picks the catalog entries to enable. An entry is skipped when its target module is not installed, so an
 * app pays start-up time only for the libraries it has.
 */
export function selectInstrumentations(selection: InstrumentationSelection): SelectedInstrumentations {
  warnUnknown(selection.enabled, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  warnUnknown(selection.disabled, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  const roots = moduleRoots();
  const entries: CatalogEntry[] = [];
  const instrumentations: Instrumentation[] = [];
  for (const entry of CATALOG) {
    const wanted = selection.enabled ? selection.enabled.includes(entry.name) : entry.defaultOn;
    if (!wanted || selection.disabled?.includes(entry.name)) continue;
    if (!entry.builtin && !entry.modules.some((name) => isInstalled(name, roots))) continue;
    try {
      instrumentations.push(entry.create());
      entries.push(entry);
    } catch (error) {
      logger.warn(
        `could not load the ${entry.name} instrumentation (${String(error)}); continuing without it.`,
      );
    }
  }
  return { entries, instrumentations };
}
