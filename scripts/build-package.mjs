// Builds the package in the current directory to CommonJS (dist/cjs) and ESM (dist/esm), each with
// its own type declarations, and marks each folder with the module type Node should load it as. Source maps
// carry the TypeScript in `sourcesContent`: the tarball ships no src/, and debuggers read the code from the map.
//
// With --esm-wrapper the ESM entry is a thin wrapper that re-exports the CommonJS build instead of a second
// compiled copy. @spanwise/core uses it because it owns process-wide state (the tracer provider, signal
// handlers, hooks): one copy, whichever way the app loads it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const builds = [
  { dir: 'dist/cjs', type: 'commonjs', flags: ['--module', 'NodeNext', '--moduleResolution', 'NodeNext'] },
  { dir: 'dist/esm', type: 'module', flags: ['--module', 'ESNext', '--moduleResolution', 'Bundler'] },
];

const esmWrapper = process.argv.includes('--esm-wrapper');

rmSync('dist', { recursive: true, force: true });
for (const { dir, type, flags } of esmWrapper ? builds.slice(0, 1) : builds) {
  execFileSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, '--inlineSources', ...flags],
    {
      stdio: 'inherit',
    },
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type }, null, 2)}\n`);
}

if (esmWrapper) {
  const names = Object.keys(require(`${process.cwd()}/dist/cjs/index.js`)).filter(
    (name) => name !== 'default',
  );
  mkdirSync('dist/esm', { recursive: true });
  writeFileSync('dist/esm/package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  writeFileSync('dist/esm/index.js', `export { ${names.join(', ')} } from '../cjs/index.js';\n`);
  writeFileSync('dist/esm/index.d.ts', `export * from '../cjs/index.js';\n`);
}
