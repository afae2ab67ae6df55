import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This package's root folder, found by walking up from this file to the package.json named
 * `@spanwise/cli`. Not `require.resolve('@spanwise/cli/package.json')`: a package can name itself only from
 * inside its own package scope, and `dist/cjs/package.json` (`{"type":"commonjs"}`) starts a scope of its
 * own, so in the workspace (no `node_modules/@spanwise/cli` above it) that lookup fails.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@spanwise/cli'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@spanwise/cli: cannot find its own package.json');
    dir = parent;
  }
}
