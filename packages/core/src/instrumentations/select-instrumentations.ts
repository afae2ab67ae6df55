import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from '../logger.js';
import { CATALOG, type CatalogEntry, type InstrumentationSettings } from './catalog.js';
import { isInstalled, moduleRoots } from './installed-modules.js';

/** Which instrumentations the user asked for, by short name (see the catalog). */
export interface InstrumentationSelection {
  enabled?: readonly string[] | undefined;
  disabled?: readonly string[] | undefined;
}

const isKnown = (name: string): boolean => CATALOG.some((entry) => entry.name === name);

function warnUnknown(names: readonly string[] | undefined, source: string): void {
  for (const name of names ?? []) {
    if (!isKnown(name)) {
      const known = CATALOG.map((entry) => entry.name).join(', ');
      logger.warn(`${source} names "${name}", which is not one of ${known}; ignoring it.`);
    }
  }
}

/**
 * The names to enable; undefined (the defaults) when none is known. A list of typos alone would otherwise
 * turn every instrumentation off, which nobody asks for by misspelling one.
 */
function knownEnabled(names: readonly string[] | undefined): readonly string[] | undefined {
  if (names === undefined || names.length === 0 || names.some(isKnown)) {
    warnUnknown(names, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
    return names;
  }
  const known = CATALOG.map((entry) => entry.name).join(', ');
  logger.warn(
    `OTEL_NODE_ENABLED_INSTRUMENTATIONS=${JSON.stringify(names.join(','))} names none of ${known}; using the ` +
      'default (every instrumentation that is on by default) instead.',
  );
  return undefined;
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
  const enabled = knownEnabled(selection.enabled);
  warnUnknown(selection.disabled, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  const roots = installedOnly ? moduleRoots() : [];
  return CATALOG.filter((entry) => {
    const wanted = enabled ? enabled.includes(entry.name) : entry.defaultOn;
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
