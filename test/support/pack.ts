// Packs the workspace packages as the registry would serve them: `pnpm pack` rewrites `workspace:*` ranges
// to versions and includes only the `files` each package.json lists. Needs the packages built first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The packages users install, by name, with their folder under packages/. */
export const PUBLISHED = {
  '@spanwise/core': 'core',
  '@spanwise/nestjs': 'nestjs',
  '@spanwise/amqplib': 'amqplib',
  '@spanwise/cli': 'cli',
} as const;

export type PublishedName = keyof typeof PUBLISHED;

/** Packs every published package into `outDir`; returns the tarball path of each, by package name. */
export function packWorkspace(outDir: string): Record<PublishedName, string> {
  mkdirSync(outDir, { recursive: true });
  const tarballs = {} as Record<PublishedName, string>;
  for (const [name, folder] of Object.entries(PUBLISHED) as [PublishedName, string][]) {
    const before = new Set(readdirSync(outDir));
    execFileSync('pnpm', ['pack', '--pack-destination', outDir], {
      cwd: join(ROOT, 'packages', folder),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const created = readdirSync(outDir).find((file) => !before.has(file) && file.endsWith('.tgz'));
    if (created === undefined) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    tarballs[name] = join(outDir, created);
  }
  return tarballs;
}
