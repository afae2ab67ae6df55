import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from '../logger.js';
import type { CatalogEntry } from './catalog.js';

/** What `InstrumentationBase` adds to the `Instrumentation` interface: the modules it patches. */
interface WithModuleDefinitions {
  getModuleDefinitions?: () => readonly { name?: unknown }[];
}

function isInstrumentation(value: unknown): value is Instrumentation {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['enable', 'disable', 'setTracerProvider', 'getConfig'].every(
    (key) => typeof candidate[key] === 'function',
  );
}

/** The module names an instrumentation patches, from its module definitions; none when it has none. */
function modulesOf(instrumentation: Instrumentation): string[] {
  try {
    const definitions = (instrumentation as WithModuleDefinitions).getModuleDefinitions?.() ?? [];
    return definitions
      .map((definition) => definition.name)
      .filter((name): name is string => typeof name === 'string');
  } catch {
    return [];
  }
}

/**
 * Catalog entries for the user's instrumentations (`TracingOptions.instrumentations`), so they are enabled
 * exactly like the built-in ones: on the first `require` of a module they patch (listed for the ES module
 * loader too), or at once when they name no module. An OpenTelemetry instrumentation enables itself when
 * constructed; one that patches modules is disabled here until its module is first loaded, so it costs
 * nothing in an app that never loads that module. Anything that is not an instrumentation warns and is
 * left out.
 */
export function extraInstrumentationEntries(instrumentations: unknown): CatalogEntry[] {
  if (instrumentations === undefined) return [];
  if (!Array.isArray(instrumentations)) {
    logger.warn('TracingOptions.instrumentations is not an array of instrumentations; ignoring it.');
    return [];
  }
  const entries: CatalogEntry[] = [];
  for (const [index, instrumentation] of instrumentations.entries()) {
    if (!isInstrumentation(instrumentation)) {
      logger.warn(
        `TracingOptions.instrumentations[${index}] is not an OpenTelemetry Instrumentation ` +
          '(enable, disable, setTracerProvider, getConfig); leaving it out.',
      );
      continue;
    }
    const modules = modulesOf(instrumentation);
    if (modules.length > 0 && instrumentation.getConfig().enabled !== false) instrumentation.disable();
    entries.push({
      name: instrumentation.instrumentationName,
      modules,
      defaultOn: true,
      // Enabled here: the runtime enables only what is not enabled by configuration, and this one is.
      create: () => {
        instrumentation.enable();
        return instrumentation;
      },
    });
  }
  return entries;
}
