import { createRequire } from 'node:module';

/** Resolves and loads modules from the point of view of this package, in both the CJS and the ESM build. */
export const packageRequire: NodeJS.Require = createRequire(import.meta.url);
