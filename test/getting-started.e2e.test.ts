import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { guideSnippets } from './support/guide-snippets.js';
import { packWorkspace } from './support/pack.js';
import { type NodeProcess, startNode } from './support/run-node.js';

// docs/getting-started.md, followed literally by a new user: the four packages packed as the registry would
// serve them, installed with npm into a fresh NestJS 12 app laid out as `nest new` does, built, started the
// three ways the guide shows, each checked in the waterfall `npx @spanwise/cli dev` prints. Slow (npm install),
// never skipped: the registry is reachable from CI.
const FIXTURE = join(__dirname, 'fixtures', 'nest12-app');
// The guide's code blocks, by the file each names (`// src/app.module.ts`): what the test writes is what it shows.
const GUIDE = guideSnippets(join(__dirname, '..', 'docs', 'getting-started.md'));
// Kept between runs so a second run installs from the cache.
const NPM_CACHE = join(tmpdir(), 'spanwise-e2e-npm-cache');

let work: string;
let app: string;
let dev: NodeProcess;
let devUrl: string;

function run(command: string, args: string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !key.startsWith('OTEL_') &&
      !key.startsWith('VITEST') &&
      key !== 'NODE_OPTIONS'
    ) {
      env[key] = value;
    }
  }
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The guide's code block for `path` (`src/...`), or a failure naming the one it no longer shows. */
function fromGuide(path: string): string {
  const text = GUIDE.get(path);
  if (text === undefined) throw new Error(`docs/getting-started.md no longer shows ${path}`);
  return text;
}

/** The bin of an installed package, run by this test's Node (what `npx` runs for an installed package). */
function bin(pkg: string, file: string): string {
  return join(app, 'node_modules', pkg, file);
}

/** GET `url`, retried while the port refuses (Nest logs "started" as it starts listening). */
async function getWhenListening(url: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The output `proc` printed after offset `from`, once it matches `pattern`. */
async function newOutput(proc: NodeProcess, from: number, pattern: RegExp): Promise<string> {
  for (;;) {
    const text = proc.stdout().slice(from);
    if (pattern.test(text)) return text;
    await Promise.race([
      proc.exited.then(() => {
        throw new Error(`exited before printing ${pattern}`);
      }),
      new Promise((resolve) => setTimeout(resolve, 50)),
    ]);
  }
}

/** Starts the app with `args`, serves GET /, and returns the waterfall `spanwise dev` prints for it. */
async function firstWaterfall(args: string[], cwd: string): Promise<string> {
  const port = await freePort();
  const before = dev.stdout().length;
  const proc = startNode(
    args,
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: devUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'orders',
      PORT: String(port),
    },
    cwd,
  );
  try {
    await proc.waitForLine(/Nest application successfully started/);
    expect(await (await getWhenListening(`http://127.0.0.1:${port}/`)).text()).toBe('Hello World!');
    return await newOutput(dev, before, /AppService\.getHello[^\n]*\n\n/);
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
    expect(proc.stderr()).toBe('');
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'spanwise-getting-started-'));
  const tarballs = packWorkspace(join(work, 'tarballs'));
  app = join(work, 'orders');
  cpSync(FIXTURE, app, { recursive: true });
  // getting-started: TracingModule in the root module, @Traced on the service.
  for (const file of ['src/app.module.ts', 'src/app.service.ts'])
    writeFileSync(join(app, file), fromGuide(file));
  const started = performance.now();
  // getting-started: `npm install @spanwise/core @spanwise/nestjs @opentelemetry/api` and the CLI.
  run(
    'npm',
    [
      'install',
      '--cache',
      NPM_CACHE,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarballs['@spanwise/core'],
      // Not on the registry yet: core and nestjs depend on it, so it is installed from its tarball too.
      tarballs['@spanwise/headers'],
      tarballs['@spanwise/nestjs'],
      tarballs['@spanwise/cli'],
      '@opentelemetry/api@^1.10.0',
    ],
    app,
  );
  run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'], app);
  dev = startNode([bin('@spanwise/cli', 'dist/cjs/bin.js'), 'dev', '--port', '0', '--no-color'], {}, app);
  [, devUrl = ''] = await dev.waitForLine(/^spanwise dev listening on (\S+)$/m);
  const waterfall = await firstWaterfall(['--import', '@spanwise/core/register', 'dist/main.js'], app);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // The figure the issue asks for: empty app directory to first waterfall, npm install included.
  console.log(`getting-started: ${seconds} s from npm install to the first waterfall\n${waterfall}`);
}, 600_000);

afterAll(async () => {
  dev?.child.kill('SIGINT');
  await dev?.exited;
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** The span column of a waterfall: names with their tree glyphs, service, duration and bar cut off. */
function tree(waterfall: string): string[] {
  return waterfall
    .split('\n')
    .filter((line) => line.startsWith('orders '))
    .map((line) => line.replace(/^orders {2}/, '').replace(/\s+[\d.]+(ms|µs|s)\s+│.*$/, ''));
}

// Express, loaded by @nestjs/platform-express, is left uninstrumented: Nest's handler span follows the server span.
const FULL_TREE = ['GET / (server)', '└─ AppController.getHello', '   └─ AppService.getHello'];

it('--import: server, controller handler, @Traced service', async () => {
  const waterfall = await firstWaterfall(['--import', '@spanwise/core/register', 'dist/main.js'], app);
  expect(tree(waterfall)).toEqual(FULL_TREE);
}, 180_000);

it('From code: startTracing() in src/tracing.ts, imported first by main.ts', async () => {
  writeFileSync(join(app, 'src', 'tracing.ts'), fromGuide('src/tracing.ts'));
  // The guide shows the first lines of main.ts, its own import added first.
  const main = join(app, 'src', 'main.ts');
  const generated = readFileSync(main, 'utf8');
  const [first = '', ...shown] = fromGuide('src/main.ts').trimEnd().split('\n');
  expect(generated.startsWith(shown.join('\n'))).toBe(true);
  writeFileSync(main, `${first}\n${generated}`);
  run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'], app);
  const names = tree(await firstWaterfall(['dist/main.js'], app));
  // The whole tree, as the other starts give it (no span between the server's and the controller's).
  expect(names).toEqual(FULL_TREE);
  expect(names[0]).toBe('GET / (server)');
  expect(names.at(-2)?.trim()).toBe('└─ AppController.getHello');
  expect(names.at(-1)?.trim()).toBe('└─ AppService.getHello');
}, 180_000);

it('CommonJS build under --require: the same tree', async () => {
  const cjs = join(app, 'cjs');
  mkdirSync(cjs);
  cpSync(join(app, 'src'), join(cjs, 'src'), { recursive: true });
  rmSync(join(cjs, 'src', 'tracing.ts'));
  // What `nest new` generated before NestJS 12: CommonJS, no top-level await.
  writeFileSync(
    join(cjs, 'src', 'main.ts'),
    readFileSync(join(FIXTURE, 'src', 'main.ts'), 'utf8').replace('await bootstrap();', 'void bootstrap();'),
  );
  writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(
    join(cjs, 'tsconfig.json'),
    JSON.stringify({
      extends: '../tsconfig.json',
      compilerOptions: { outDir: './dist', rootDir: './src' },
      include: ['src'],
    }),
  );
  run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'], cjs);
  expect(readFileSync(join(cjs, 'dist', 'main.js'), 'utf8')).toContain('require(');
  const waterfall = await firstWaterfall(['--require', '@spanwise/core/register', 'cjs/dist/main.js'], app);
  expect(tree(waterfall)).toEqual(FULL_TREE);
}, 180_000);
