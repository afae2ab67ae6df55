import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRequire } from '../receiver/package-require.mjs';

/**
 * The installed version of @spanwise/cli, from its own package.json. Found by walking up from this build:
 * the nearest package.json (dist/cjs or dist/esm) only sets the module type, so a self-reference by name
 * does not resolve.
 */
export function cliVersion(): string {
  for (
    let dir = dirname(packageRequire.resolve('./package-require.mjs'));
    dir !== dirname(dir);
    dir = dirname(dir)
  ) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@spanwise/cli' && manifest.version !== undefined) return manifest.version;
    } catch {
      // No package.json here: keep walking up.
    }
  }
  return 'unknown';
}
