import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, probePostgres, requirePostgres, skipWithoutPostgres } from './support/postgres.js';
import { runNode } from './support/run-node.js';

// Under --require, a library that an ES module imports is instrumented like one that is required: the import
// hooks (module.registerHooks) enable its instrumentation and wrap the module on that first import.
const fixtures = join(__dirname, 'fixtures', 'cjs-imports-esm');
const SPAN_KIND_CLIENT = 3;
const postgres = probePostgres();

describe.skipIf(skipWithoutPostgres(postgres))('--require and imported libraries', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    requirePostgres(postgres);
    receiver = await startReceiver();
  });
  afterAll(() => receiver?.close());

  it('a CommonJS entry requiring a local .mjs that imports pg gets a pg span', async () => {
    const result = await runNode(
      ['--require', '@spanwise/core/register', 'main.cjs'],
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', PG_URL },
      fixtures,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rows [{"one":1}]');
    const query = receiver.spans.find(
      (span) =>
        span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql',
    );
    expect(query?.kind, receiver.spans.map((span) => span.name).join(', ')).toBe(SPAN_KIND_CLIENT);
    expect(result.stderr).toBe('');
  });
});

// Nodes whose module.registerHooks cannot run import-in-the-middle (22.15 to 22.22.2, 24.0 to 24.11.0) get the
// import hooks in 'warn' mode; this Node is newer, so the mode is forced on the hooks themselves.
it('on a Node that cannot wrap imports, the first import of an instrumented library warns once and still enables it', async () => {
  const hooks = join(
    __dirname,
    '..',
    'packages',
    'core',
    'dist',
    'cjs',
    'instrumentations',
    'import-hooks.js',
  );
  const script = `
    const { installImportHooks } = require(${JSON.stringify(hooks)});
    const entry = { name: 'pg', modules: ['pg'], defaultOn: true, create: () => [] };
    installImportHooks({ entries: [entry], enable: (e) => console.log('enabled ' + e.name), loader: 'warn' });
    import('pg').then(() => import('pg/lib/client.js')).then(() => console.log('imported'));`;
  const result = await runNode(['-e', script], {}, __dirname);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe('enabled pg\nimported\n');
  expect(result.stderr.match(/WARN pg is imported by an ES module/g)).toHaveLength(1);
  expect(result.stderr).toContain('start node with --import @spanwise/core/register');
});
