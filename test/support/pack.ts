// Packs the workspace packages as the registry would serve them: `pnpm pack` rewrites `workspace:` ranges to
// versions and includes only the `files` each package.json lists. Needs the packages built first.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The packages users install, by name, with their folder under packages/. */
export const PUBLISHED = {
  '@spanwise/core': 'core',
  '@spanwise/headers': 'headers',
  '@spanwise/nestjs': 'nestjs',
  '@spanwise/amqplib': 'amqplib',
  '@spanwise/cli': 'cli',
} as const;

export type PublishedName = keyof typeof PUBLISHED;

/**
 * Packs each package directory from its current build into `destination`, and returns the tarball paths in
 * the same order.
 */
export function packPackages(packageDirs: readonly string[], destination: string): string[] {
  mkdirSync(destination, { recursive: true });
  return packageDirs.map((cwd) => {
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
      cwd,
      encoding: 'utf8',
    });
    return (JSON.parse(out) as { filename: string }).filename;
  });
}

/** Packs every published package into `outDir`; returns the tarball path of each, by package name. */
export function packWorkspace(outDir: string): Record<PublishedName, string> {
  const names = Object.keys(PUBLISHED) as PublishedName[];
  const paths = packPackages(
    names.map((name) => join(ROOT, 'packages', PUBLISHED[name])),
    outDir,
  );
  return Object.fromEntries(names.map((name, i) => [name, paths[i]])) as Record<PublishedName, string>;
}
