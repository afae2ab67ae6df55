import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../receiver/package-require.mjs';

/** The installed version of @spanwise/cli, from its own package.json (found by `packageRoot`). */
export function cliVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
