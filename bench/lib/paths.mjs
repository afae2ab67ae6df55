import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const rootDir = dirname(benchDir);
/** Where each scenario writes its JSON (gitignored). */
export const resultsDir = join(benchDir, 'results');
/** The benchmark apps. */
export const appsDir = join(benchDir, 'apps');
