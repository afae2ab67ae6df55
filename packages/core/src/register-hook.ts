import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { supportsSyncImportHooks } from './instrumentations/import-hooks.js';
import { logger } from './logger.js';
import { startTracingInternal } from './start-tracing.js';

/** Whether the entry script is ES module code. */
function entryIsEsm(entry: string | undefined): boolean {
  if (entry === undefined) return false;
  if (entry.endsWith('.mjs') || entry.endsWith('.mts')) return true;
  if (!entry.endsWith('.js')) return false;
  let dir = dirname(resolve(entry));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/**
 * What `@spanwise/core/register` runs. Fails open: any error becomes one warning and the app runs untraced.
 * Returns the module names the ESM loader must intercept, or `undefined` when tracing did not start.
 */
export function registerFromEnvironment(mode: 'require' | 'import'): string[] | undefined {
  try {
    // Where module.registerHooks runs the import hooks, --require instruments imports as --import does.
    if (mode === 'require' && !supportsSyncImportHooks() && entryIsEsm(process.argv[1])) {
      logger.warn(
        `${process.argv[1]} is an ES module, which --require cannot instrument on Node ${process.versions.node}; ` +
          'start node with --import @spanwise/core/register instead.',
      );
    }
    return startTracingInternal({}, mode).modules;
  } catch (error) {
    logger.warn(
      `tracing is disabled: could not start (${error instanceof Error ? error.message : String(error)}).`,
    );
    return undefined;
  }
}
