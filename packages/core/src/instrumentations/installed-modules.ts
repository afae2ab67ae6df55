import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Folders an app's modules can be found under: every `node_modules` above the entry script and the working
 * directory, plus pnpm's hidden hoisting folder (`node_modules/.pnpm/node_modules`), where pnpm puts the
 * dependencies of dependencies (e.g. express under @nestjs/platform-express).
 */
export function moduleRoots(): string[] {
  const starts = [process.cwd()];
  const entry = process.argv[1];
  if (entry) starts.unshift(dirname(resolve(entry)));
  const roots = new Set<string>();
  for (const start of starts) {
    let dir = start;
    for (;;) {
      roots.add(join(dir, 'node_modules'));
      roots.add(join(dir, 'node_modules', '.pnpm', 'node_modules'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return [...roots];
}

/** Whether `name` is installed under any of `roots`: a cheap stat per root, no module resolution. */
export function isInstalled(name: string, roots: readonly string[]): boolean {
  return roots.some((root) => existsSync(join(root, name, 'package.json')));
}
