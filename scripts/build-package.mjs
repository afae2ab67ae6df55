// Builds the package in the current directory to CommonJS (dist/cjs) and ESM (dist/esm), each with
// its own type declarations, and marks each folder with the module type Node should load it as.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const builds = [
  { dir: 'dist/cjs', type: 'commonjs', flags: ['--module', 'NodeNext', '--moduleResolution', 'NodeNext'] },
  { dir: 'dist/esm', type: 'module', flags: ['--module', 'ESNext', '--moduleResolution', 'Bundler'] },
];

rmSync('dist', { recursive: true, force: true });
for (const { dir, type, flags } of builds) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, ...flags], {
    stdio: 'inherit',
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type }, null, 2)}\n`);
}
