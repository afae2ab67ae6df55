import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asModules, tsBlocks } from './support/doc-snippets';
import { packPackages } from './support/pack';

// The tarballs as a user receives them, checked by the ecosystem's own tools and installed into a fresh
// NestJS 12 project with npm. Slow (a real npm install; the npm cache under node_modules/.cache makes reruns
// quick), never skipped: it needs only the npm registry.
const ROOT = join(__dirname, '..');
const PACKAGES = join(ROOT, 'packages');
const NPM_CACHE = join(ROOT, 'node_modules', '.cache', 'spanwise-packaging-npm');
const INSTALL_TIMEOUT_MS = 300_000;
let work: string;
let tarballs: string[];
let app: string;

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'spanwise-packaging-'));
  tarballs = packPackages(
    readdirSync(PACKAGES).map((dir) => join(PACKAGES, dir)),
    work,
  );
}, INSTALL_TIMEOUT_MS);

// Removing a NestJS install takes a while on a busy machine.
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, INSTALL_TIMEOUT_MS);

describe('the packed tarballs', () => {
  it(
    'pass publint --strict and @arethetypeswrong/cli',
    () => {
      for (const tarball of tarballs) {
        const publint = run('pnpm', ['exec', 'publint', '--strict', tarball], ROOT);
        expect(publint.output, basename(tarball)).toContain('All good!');
        expect(publint.status, publint.output).toBe(0);
        const attw = run('pnpm', ['exec', 'attw', tarball, '--format', 'ascii'], ROOT);
        expect(attw.output, basename(tarball)).toContain('No problems found');
        expect(attw.status, attw.output).toBe(0);
      }
    },
    INSTALL_TIMEOUT_MS,
  );

  it('each carry a README, a LICENSE, metadata and source maps with their sources', () => {
    for (const tarball of tarballs) {
      const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(files, basename(tarball)).toEqual(
        expect.arrayContaining(['package/README.md', 'package/LICENSE']),
      );
      const manifest = JSON.parse(
        execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
      ) as Record<string, unknown>;
      for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'sideEffects', 'type', 'license']) {
        expect(manifest[field], `${basename(tarball)} ${field}`).toBeDefined();
      }
      const map = files.find((file) => file.endsWith('/index.js.map'));
      expect(map, basename(tarball)).toBeDefined();
      const parsed = JSON.parse(
        execFileSync('tar', ['xzOf', tarball, map as string], { encoding: 'utf8' }),
      ) as {
        sources: string[];
        sourcesContent?: string[];
      };
      expect(parsed.sourcesContent?.length).toBe(parsed.sources.length);
    }
  });
});

/** A fresh NestJS 12 app's package.json with every tarball as a dependency. */
function freshAppManifest(): Record<string, unknown> {
  return {
    name: 'fresh-nest-app',
    private: true,
    type: 'module',
    dependencies: {
      '@nestjs/common': '^12.0.0',
      '@nestjs/config': '^12.0.0',
      '@nestjs/core': '^12.0.0',
      '@nestjs/microservices': '^12.0.0',
      '@nestjs/platform-express': '^12.0.0',
      '@opentelemetry/api': '^1.10.0',
      amqplib: '^2.3.1',
      'amqp-connection-manager': '^5.0.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.0',
      ...tarballDependencies(),
    },
    devDependencies: { '@types/node': '^24.0.0', typescript: '~5.9.3' },
  };
}

/** `@spanwise/<name>` to `file:<tarball>`, for every packed package. */
function tarballDependencies(): Record<string, string> {
  return Object.fromEntries(
    tarballs.map((tarball) => [
      `@spanwise/${basename(tarball).replace(/^spanwise-|-\d.*$/g, '')}`,
      `file:${tarball}`,
    ]),
  );
}

describe('installed into a fresh NestJS 12 project with npm', () => {
  beforeAll(() => {
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify(freshAppManifest()));
  }, INSTALL_TIMEOUT_MS);

  it(
    'installs without a peer warning, and npm ls --all exits 0',
    () => {
      const install = run('npm', ['install', '--no-audit', '--no-fund', '--cache', NPM_CACHE], app);
      expect(install.status, install.output).toBe(0);
      expect(install.output).not.toMatch(/ERESOLVE|peer dep|invalid/i);
      const ls = run('npm', ['ls', '--all'], app);
      expect(ls.status, ls.output).toBe(0);
      // The split: nestjs and amqplib pull no second core, and core's instrumentations come only with core.
      expect(ls.output.match(/@spanwise\/core@/g)).toHaveLength(1);
    },
    INSTALL_TIMEOUT_MS,
  );

  it(
    'compiles every snippet of docs/ and the READMEs, and the typed integrations, under strict TypeScript (node16 and bundler)',
    () => {
      const snippets = join(app, 'snippets');
      mkdirSync(snippets);
      const sources = [
        ...readdirSync(join(ROOT, 'docs')).map((file) => join(ROOT, 'docs', file)),
        ...readdirSync(PACKAGES).map((dir) => join(PACKAGES, dir, 'README.md')),
      ];
      let n = 0;
      for (const source of sources) {
        for (const block of tsBlocks(readFileSync(source, 'utf8'))) {
          const dir = join(snippets, `${basename(source.replace(/\/README\.md$/, ''), '.md')}-${n++}`);
          mkdirSync(dir);
          for (const [file, text] of Object.entries(asModules(block))) writeFileSync(join(dir, file), text);
        }
      }
      expect(n).toBeGreaterThan(20);
      // The two integrations issue 16 found broken: amqp-connection-manager's ChannelWrapper (publish returns a
      // promise) and a NestJS client without a dispatch hook.
      writeFileSync(
        join(snippets, 'integrations.ts'),
        [
          "import { tracedConsume } from '@spanwise/amqplib';",
          "import { TracedClientRMQ } from '@spanwise/amqplib/nestjs';",
          "import { propagateContext } from '@spanwise/nestjs';",
          "import { ClientTCP } from '@nestjs/microservices';",
          "import { connect } from 'amqp-connection-manager';",
          "import '@spanwise/core/register';",
          "const channelWrapper = connect(['amqp://127.0.0.1']).createChannel();",
          "await tracedConsume(channelWrapper, 'orders', (msg) => { if (msg !== null) channelWrapper.ack(msg); });",
          'propagateContext(new ClientTCP({}));',
          "export const client = new TracedClientRMQ({ urls: ['amqp://127.0.0.1'], queue: 'q' });",
          '',
        ].join('\n'),
      );
      const common = {
        target: 'ES2023',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      };
      const configs = {
        'tsconfig.node16.json': { module: 'Node16', moduleResolution: 'Node16' },
        'tsconfig.bundler.json': { module: 'ESNext', moduleResolution: 'Bundler' },
      };
      writeFileSync(
        join(app, 'package.json'),
        readFileSync(join(app, 'package.json'), 'utf8').replace('{', '{"type":"module",'),
      );
      for (const [file, options] of Object.entries(configs)) {
        writeFileSync(
          join(app, file),
          JSON.stringify({ compilerOptions: { ...common, ...options }, include: ['snippets'] }),
        );
        const tsc = run(
          process.execPath,
          [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file],
          app,
        );
        expect(tsc.status, `${file}\n${tsc.output}`).toBe(0);
      }
    },
    INSTALL_TIMEOUT_MS,
  );
});

describe('installed into a fresh NestJS 12 project with pnpm', () => {
  it(
    'installs without a peer warning',
    () => {
      const dir = join(work, 'pnpm-app');
      mkdirSync(dir);
      // pnpm resolves a tarball's own dependencies on the registry, where the unpublished @spanwise packages are
      // not: overrides point those at the tarballs too, as publishing them would.
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ ...freshAppManifest(), pnpm: { overrides: tarballDependencies() } }),
      );
      const install = run(
        'pnpm',
        ['install', '--reporter=append-only', '--config.strict-peer-dependencies=false'],
        dir,
      );
      expect(install.status, install.output).toBe(0);
      expect(install.output).not.toMatch(/peer|ERR_PNPM|WARN/i);
    },
    INSTALL_TIMEOUT_MS,
  );
});
