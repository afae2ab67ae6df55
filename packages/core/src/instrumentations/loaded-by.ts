import type { CatalogEntry } from './catalog.js';

/**
 * Whether `importer` (the path or file URL of the module that is loading one of the entry's modules)
 * belongs to one of the packages named in the entry's `notFrom`.
 */
export function loadedByExcluded(entry: CatalogEntry, importer: string | undefined): boolean {
  if (entry.notFrom === undefined || importer === undefined) return false;
  const path = importer.replaceAll('\\', '/');
  return entry.notFrom.some((name) => path.includes(`/node_modules/${name}/`));
}
