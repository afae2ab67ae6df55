import { sep } from 'node:path';
import { logger } from '../logger.js';

/**
 * The modules in `names` that are already in the CommonJS module cache: loaded before tracing started, so
 * the instrumentation's require hook never saw them. ESM imports of CommonJS packages go through the same
 * cache, so this also catches `import express from 'express'` run before the hooks.
 */
export function findPreloaded(
  names: readonly string[],
  cache: NodeJS.Require['cache'] = require.cache,
): string[] {
  const markers = names.map((name) => ({
    name,
    marker: `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`,
  }));
  const found = new Set<string>();
  for (const file of Object.keys(cache)) {
    for (const { name, marker } of markers) {
      if (!found.has(name) && file.includes(marker)) found.add(name);
    }
  }
  return names.filter((name) => found.has(name));
}

/** Prints one WARN line per module that was loaded too early, with the flag that fixes it. */
export function warnPreloaded(names: readonly string[]): void {
  for (const name of findPreloaded(names)) {
    logger.warn(
      `${name} was loaded before @spanwise/core/register, so it is not traced; start node with ` +
        `--require @spanwise/core/register (or --import @spanwise/core/register for ESM) instead of ` +
        `starting tracing from your own code.`,
    );
  }
}
