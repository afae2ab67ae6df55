import { execFileSync } from 'node:child_process';

/**
 * Packs each package directory as the registry would receive it (`pnpm pack`: `workspace:` ranges become
 * versions, only `files` are kept) from its current build into `destination`, and returns the tarball
 * paths in the same order.
 */
export function packPackages(packageDirs: readonly string[], destination: string): string[] {
  return packageDirs.map((cwd) => {
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
      cwd,
      encoding: 'utf8',
    });
    return (JSON.parse(out) as { filename: string }).filename;
  });
}
