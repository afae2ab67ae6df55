import { expect, it } from 'vitest';
import { runNode } from './support/run-node.js';

// Every package ships CommonJS and ESM builds; both entry styles must load from the built output and expose
// the same names.
it.each(['@spanwise/core', '@spanwise/nestjs', '@spanwise/amqplib', '@spanwise/cli'])(
  '%s loads with require() and import from its build',
  async (name) => {
    const cjs = await runNode([
      '-e',
      `console.log(JSON.stringify({ file: require.resolve('${name}'), names: Object.keys(require('${name}')).sort() }))`,
    ]);
    const esm = await runNode([
      '--input-type=module',
      '-e',
      `const m = await import('${name}'); console.log(JSON.stringify({ file: import.meta.resolve('${name}'), names: Object.keys(m).filter((k) => k !== 'default').sort() }))`,
    ]);
    expect(cjs.code, cjs.stderr).toBe(0);
    expect(esm.code, esm.stderr).toBe(0);
    const fromRequire = JSON.parse(cjs.stdout) as { file: string; names: string[] };
    const fromImport = JSON.parse(esm.stdout) as { file: string; names: string[] };
    expect(fromRequire.file).toMatch(/dist\/cjs\/index\.js$/);
    expect(fromImport.file).toMatch(/dist\/esm\/index\.js$/);
    expect(fromRequire.names.length).toBeGreaterThan(0);
    expect(fromImport.names).toEqual(fromRequire.names);
  },
);
